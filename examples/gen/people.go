package main

import (
	"fmt"
	"math/rand/v2"
	"time"

	"cehours/reconcile"
)

// unitDef is one 二级单位 of the example university and how many staff of
// each kind it has.
type unitDef struct {
	Code, Name, Kind string // Kind: 学院 | 附属医院 | 职能部门
	Heads            []reconcile.Head
	// Mix is the staff of the unit by title series; 教师 are teachers,
	// every other series is 其他专技.
	Mix []seriesCount
}

type seriesCount struct {
	Series string
	N      int
}

// units of the example university: about 200 staff in six units.
var units = []*unitDef{
	{Code: "U01", Name: "基础医学院", Kind: "学院", Mix: []seriesCount{{"教师", 36}, {"实验", 9}}},
	{Code: "U02", Name: "药学院", Kind: "学院", Mix: []seriesCount{{"教师", 27}, {"实验", 8}}},
	{Code: "U03", Name: "公共卫生与管理学院", Kind: "学院", Mix: []seriesCount{{"教师", 30}}},
	{Code: "U04", Name: "附属第一医院", Kind: "附属医院",
		Mix: []seriesCount{{"卫生技术", 32}, {"教师", 12}, {"实验", 6}}},
	{Code: "U05", Name: "教务处", Kind: "职能部门", Mix: []seriesCount{{"教师", 6}, {"实验", 6}, {"工程", 6}}},
	{Code: "U06", Name: "网络与信息中心", Kind: "职能部门", Mix: []seriesCount{{"工程", 20}, {"实验", 2}}},
}

func unitByCode(code string) *unitDef {
	for _, u := range units {
		if u.Code == code {
			return u
		}
	}
	panic("unknown unit " + code)
}

// person is one member of staff with what the generator needs beside the
// roster's facts.
type person struct {
	reconcile.Staff
	Key    string // the deliberate case's id; "" for background staff
	Pinyin string
	// Background: whether ordinary, clean records are generated for the
	// person. Deliberate people get only the records their case lists.
	Background bool
}

// fixed is a deliberately placed person: the name, unit and series are
// chosen so that the case reads naturally.
type fixed struct {
	Key, Unit, Name, Pinyin, Series string
	HireYear                        int // decides the 工号's prefix (2000–2009: a leading zero)
	Background                      bool
	Left                            reconcile.Date
}

// fixedPeople are the people the deliberate cases are about, plus the
// common names that repeat within a unit.
var fixedPeople = []fixed{
	{Key: "compliant", Unit: "U01", Name: "陈思远", Pinyin: "chensiyuan", Series: "教师", HireYear: 2012},
	{Key: "zhangwei-teacher", Unit: "U01", Name: "张伟", Pinyin: "zhangwei", Series: "教师", HireYear: 2008, Background: true},
	{Key: "zhangwei-lab", Unit: "U01", Name: "张伟", Pinyin: "zhangwei", Series: "实验", HireYear: 2016, Background: true},
	{Key: "name-only", Unit: "U01", Name: "林晓燕", Pinyin: "linxiaoyan", Series: "实验", HireYear: 2007},
	{Key: "cross-source", Unit: "U01", Name: "周建华", Pinyin: "zhoujianhua", Series: "教师", HireYear: 2010},
	{Key: "no-attendance", Unit: "U01", Name: "郑雨桐", Pinyin: "zhengyutong", Series: "教师", HireYear: 2019},
	{Key: "capped", Unit: "U01", Name: "黄志刚", Pinyin: "huangzhigang", Series: "教师", HireYear: 2003},
	{Key: "shared-evidence-1", Unit: "U01", Name: "潘海燕", Pinyin: "panhaiyan", Series: "教师", HireYear: 2014},
	{Key: "unclaimed", Unit: "U02", Name: "吴晨阳", Pinyin: "wuchenyang", Series: "教师", HireYear: 2017},
	{Key: "lina-1", Unit: "U02", Name: "李娜", Pinyin: "lina", Series: "教师", HireYear: 2011, Background: true},
	{Key: "lina-2", Unit: "U02", Name: "李娜", Pinyin: "lina", Series: "实验", HireYear: 2020, Background: true},
	{Key: "name-mismatch", Unit: "U02", Name: "王晓明", Pinyin: "wangxiaoming", Series: "实验", HireYear: 2005},
	{Key: "left", Unit: "U02", Name: "叶子涵", Pinyin: "yezihan", Series: "教师", HireYear: 2018,
		Left: reconcile.NewDate(2025, time.January, 15)},
	{Key: "overclaimed", Unit: "U02", Name: "金伟民", Pinyin: "jinweimin", Series: "教师", HireYear: 2009},
	{Key: "duplicate", Unit: "U02", Name: "戴欣怡", Pinyin: "daixinyi", Series: "教师", HireYear: 2015},
	{Key: "shared-evidence-2", Unit: "U02", Name: "池明辉", Pinyin: "chiminghui", Series: "教师", HireYear: 2013},
	{Key: "unit-total", Unit: "U03", Name: "许文博", Pinyin: "xuwenbo", Series: "教师", HireYear: 2016},
	{Key: "whole-year", Unit: "U03", Name: "应佳琪", Pinyin: "yingjiaqi", Series: "教师", HireYear: 2024},
	{Key: "exempt", Unit: "U04", Name: "胡建国", Pinyin: "hujianguo", Series: "卫生技术", HireYear: 2002},
	{Key: "wangfang-1", Unit: "U04", Name: "王芳", Pinyin: "wangfang", Series: "卫生技术", HireYear: 2006, Background: true},
	{Key: "wangfang-2", Unit: "U04", Name: "王芳", Pinyin: "wangfang", Series: "卫生技术", HireYear: 2015, Background: true},
	{Key: "short-study", Unit: "U04", Name: "曾凯文", Pinyin: "zengkaiwen", Series: "教师", HireYear: 2012},
	{Key: "category", Unit: "U04", Name: "梁雅婷", Pinyin: "liangyating", Series: "教师", HireYear: 2018},
	{Key: "hours-text", Unit: "U04", Name: "罗振宇", Pinyin: "luozhenyu", Series: "实验", HireYear: 2004},
	{Key: "bad-date", Unit: "U05", Name: "施慧敏", Pinyin: "shihuimin", Series: "实验", HireYear: 2008},
	{Key: "full-width", Unit: "U05", Name: "蒋立新", Pinyin: "jianglixin", Series: "工程", HireYear: 2005},
	{Key: "at-risk", Unit: "U05", Name: "宋子豪", Pinyin: "songzihao", Series: "教师", HireYear: 2015},
	{Key: "rejected", Unit: "U06", Name: "彭宇航", Pinyin: "pengyuhang", Series: "工程", HireYear: 2010},
	{Key: "pending-unit", Unit: "U06", Name: "唐婉清", Pinyin: "tangwanqing", Series: "实验", HireYear: 2019},
}

type namePart struct{ Han, Pin string }

var surnames = []namePart{
	{"王", "wang"}, {"李", "li"}, {"张", "zhang"}, {"刘", "liu"}, {"陈", "chen"}, {"林", "lin"},
	{"黄", "huang"}, {"郑", "zheng"}, {"周", "zhou"}, {"吴", "wu"}, {"徐", "xu"}, {"叶", "ye"},
	{"金", "jin"}, {"潘", "pan"}, {"胡", "hu"}, {"杨", "yang"}, {"赵", "zhao"}, {"朱", "zhu"},
	{"孙", "sun"}, {"池", "chi"}, {"戴", "dai"}, {"郭", "guo"}, {"何", "he"}, {"谢", "xie"},
	{"应", "ying"}, {"施", "shi"}, {"蔡", "cai"}, {"董", "dong"}, {"季", "ji"}, {"缪", "miao"},
}

var givenChars = []namePart{
	{"伟", "wei"}, {"芳", "fang"}, {"敏", "min"}, {"静", "jing"}, {"丽", "li"}, {"强", "qiang"},
	{"磊", "lei"}, {"军", "jun"}, {"洋", "yang"}, {"勇", "yong"}, {"艳", "yan"}, {"杰", "jie"},
	{"娟", "juan"}, {"涛", "tao"}, {"明", "ming"}, {"超", "chao"}, {"霞", "xia"}, {"平", "ping"},
	{"华", "hua"}, {"建", "jian"}, {"晓", "xiao"}, {"燕", "yan"}, {"红", "hong"}, {"文", "wen"},
	{"辉", "hui"}, {"玲", "ling"}, {"婷", "ting"}, {"浩", "hao"}, {"宇", "yu"}, {"欣", "xin"},
	{"怡", "yi"}, {"琳", "lin"}, {"晨", "chen"}, {"思", "si"}, {"佳", "jia"}, {"俊", "jun"},
	{"海", "hai"}, {"斌", "bin"}, {"鹏", "peng"}, {"飞", "fei"}, {"雪", "xue"}, {"梅", "mei"},
	{"颖", "ying"}, {"博", "bo"}, {"志", "zhi"}, {"春", "chun"}, {"瑶", "yao"}, {"倩", "qian"},
	{"璐", "lu"}, {"哲", "zhe"}, {"慧", "hui"}, {"昕", "xin"}, {"蕾", "lei"}, {"诚", "cheng"},
}

// roster builds the staff of every unit: the fixed people first, then
// background people with random names, unique within a unit except for
// the fixed repeats.
func roster(rng *rand.Rand) []*person {
	var people []*person
	seq := 1000
	emails := map[string]int{}
	newPerson := func(unit, name, pin, series string, hireYear int) *person {
		seq += 7 + rng.IntN(5)
		birthYear := hireYear - 26 - rng.IntN(7)
		emails[pin]++
		email := pin
		if n := emails[pin]; n > 1 {
			email = fmt.Sprintf("%s%d", pin, n)
		}
		return &person{
			Staff: reconcile.Staff{
				No:       fmt.Sprintf("%02d%04d", hireYear%100, seq),
				Name:     name,
				UnitCode: unit,
				Email:    email + "@example.edu.cn",
				Teacher:  series == "教师",
				Series:   series,
				Birth:    reconcile.NewDate(birthYear, time.Month(1+rng.IntN(12)), 1+rng.IntN(28)),
				Hired:    reconcile.NewDate(hireYear, time.Month(7+rng.IntN(3)), 1+rng.IntN(28)),
			},
			Pinyin: pin,
		}
	}
	for _, u := range units {
		taken := map[string]bool{}
		left := map[string]int{}
		for _, m := range u.Mix {
			left[m.Series] = m.N
		}
		for _, f := range fixedPeople {
			if f.Unit != u.Code {
				continue
			}
			p := newPerson(u.Code, f.Name, f.Pinyin, f.Series, f.HireYear)
			p.Key, p.Background, p.Left = f.Key, f.Background, f.Left
			taken[f.Name] = true
			left[f.Series]--
			people = append(people, p)
		}
		for _, m := range u.Mix {
			for range left[m.Series] {
				name, pin := randomName(rng, taken)
				hire := 1992 + rng.IntN(33)
				p := newPerson(u.Code, name, pin, m.Series, hire)
				p.Background = true
				people = append(people, p)
			}
		}
	}
	return people
}

func randomName(rng *rand.Rand, taken map[string]bool) (string, string) {
	for {
		s := surnames[rng.IntN(len(surnames))]
		name, pin := s.Han, s.Pin
		for range 1 + rng.IntN(2) {
			g := givenChars[rng.IntN(len(givenChars))]
			name, pin = name+g.Han, pin+g.Pin
		}
		if !taken[name] {
			taken[name] = true
			return name, pin
		}
	}
}

// assignHeads names each unit's heads: a 学院's dean (and, for the
// largest units, a second head), a 职能部门's director, who is an
// administrator outside the roster of professional staff.
func assignHeads(people []*person) {
	heads := map[string][]reconcile.Head{
		"U05": {{Name: "孙立群", Email: "sunliqun@example.edu.cn"}},
		"U06": {{Name: "董春晖", Email: "dongchunhui@example.edu.cn"}},
	}
	want := map[string]int{"U01": 2, "U02": 1, "U03": 1, "U04": 2}
	for _, p := range people {
		if p.Key != "" || !p.Teacher || len(heads[p.UnitCode]) >= want[p.UnitCode] {
			continue
		}
		heads[p.UnitCode] = append(heads[p.UnitCode], reconcile.Head{Name: p.Name, Email: p.Email})
	}
	for _, u := range units {
		u.Heads = heads[u.Code]
	}
}
