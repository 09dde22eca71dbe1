#!/usr/bin/env python3
"""Writes the source files of the importer fixtures: .csv files as
people's tools write them, and .fods spreadsheets that LibreOffice turns
into the .xlsx fixtures (see make.sh). Run from importers/testdata/src."""

import os
from xml.sax.saxutils import escape

OUT = ".."

FODS_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"
 office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
<office:automatic-styles>
 <style:style style:name="ta_shown" style:family="table"><style:table-properties table:display="true"/></style:style>
 <style:style style:name="ta_hidden" style:family="table"><style:table-properties table:display="false"/></style:style>
 <number:date-style style:name="N_date"><number:year number:style="long"/><number:text>/</number:text><number:month/><number:text>/</number:text><number:day/></number:date-style>
 <style:style style:name="ce_date" style:family="table-cell" style:parent-style-name="Default" style:data-style-name="N_date"/>
</office:automatic-styles>
<office:body><office:spreadsheet>
"""
FODS_TAIL = "</office:spreadsheet></office:body></office:document>\n"


def cell(v):
    """A cell: str is text, int/float a number, ('date', iso) a
    date-formatted cell, ('merge', rows, cols, value) the top-left of a
    merged range, 'covered' a cell inside one, None an empty cell."""
    if v is None:
        return "<table:table-cell/>"
    if v == "covered":
        return "<table:covered-table-cell/>"
    if isinstance(v, tuple) and v[0] == "merge":
        _, rows, cols, inner = v
        span = f' table:number-rows-spanned="{rows}" table:number-columns-spanned="{cols}"'
        return cell(inner).replace("<table:table-cell", "<table:table-cell" + span, 1)
    if isinstance(v, tuple) and v[0] == "date":
        return (f'<table:table-cell table:style-name="ce_date" office:value-type="date" '
                f'office:date-value="{v[1]}"><text:p>{v[1]}</text:p></table:table-cell>')
    if isinstance(v, (int, float)):
        return (f'<table:table-cell office:value-type="float" office:value="{v}">'
                f"<text:p>{v}</text:p></table:table-cell>")
    return (f'<table:table-cell office:value-type="string"><text:p>{escape(v)}'
            "</text:p></table:table-cell>")


def fods(name, sheets):
    with open(name, "w", encoding="utf-8") as f:
        f.write(FODS_HEAD)
        for sheet_name, hidden, rows in sheets:
            style = "ta_hidden" if hidden else "ta_shown"
            f.write(f'<table:table table:name="{sheet_name}" table:style-name="{style}">\n')
            for row in rows:
                f.write("<table:table-row>" + "".join(cell(c) for c in row) + "</table:table-row>\n")
            f.write("</table:table>\n")
        f.write(FODS_TAIL)


def csv_file(path, text, encoding, bom=False, crlf=False):
    if crlf:
        text = text.replace("\n", "\r\n")
    data = text.encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    with open(path, "wb") as f:
        f.write(data)


# The roster, UTF-8 with BOM as WPS saves it. 工号 have five digits.
ROSTER = """工号,姓名,单位,人员类别,职称系列,出生年月,入职日期,邮箱,身份证号
00123,张伟,基础医学院,教师,高校教师,1980.05,2005-07-01,ZhangWei@wmu.edu.cn,330302198005010011
00124,李娜,基础医学院,教师,高校教师,1990-03-12,2015/9/1,lina@wmu.edu.cn,
00125,王芳,基础医学院,其他专技,实验技术,1985年6月,,wangfang1@wmu.edu.cn,
00126,王 芳,基础医学院,其他专技,实验技术,1986-02-03,,wangfang2@wmu.edu.cn,
00200,刘洋,第一临床医学院,教师,卫生技术,1978/1/2,2001-08-15,liuyang@wmu.edu.cn,

00201,陈静,第一临床医学院,教师,卫生技术,1982-11-30,,chenjing@wmu.edu.cn,
,赵敏,药学院,教师,高校教师,1991-01-01,,zhaomin@wmu.edu.cn,
00300,孙丽,药学院,教师,高校教师,1988-13-01,,sunli@wmu.edu.cn,
"""

# The units list, UTF-8 without BOM.
UNITS = """单位编码,单位名称,负责人,负责人邮箱
U01,基础医学院,周强,zhouqiang@wmu.edu.cn
U01,基础医学院,吴敏,wumin@wmu.edu.cn
U02,第一临床医学院,郑华、冯云,zhenghua@wmu.edu.cn;fengyun@wmu.edu.cn
U03,药学院,,
,后勤处,某人,x@wmu.edu.cn
"""

# Claims exported by Chinese Excel: GBK, CRLF, no BOM.
CLAIMS = """工号,姓名,项目序号,项目名称,科目类别,时间,学时,级别,分摊比例,学年,审核状态
００２００,刘洋,12,省级教改项目,A,2024/9/1,24,省级,,2024-2025,审核中
00201,陈静,15,学分制社团导师,B,2024.9.1-2025.1.10,8,,50%,2024—2025,通过
00201,陈静,13,咨询辅导,A,2024-10-05,1,,1/2,,待审核
00200,刘洋,1,讲座,D,2024-10-05,4,,,,
00200,刘洋,1,讲座,A,2024-10-05,4学时,市级,,,
00200,刘洋,1,"讲座,含逗号",A,"2024年10月6日",4,,,,
"""


def main():
    csv_file(f"{OUT}/roster.csv", ROSTER, "utf-8", bom=True)
    csv_file(f"{OUT}/units.csv", UNITS, "utf-8")
    csv_file(f"{OUT}/claims-gbk.csv", CLAIMS, "gbk", crlf=True)
    # The same roster as LibreOffice turns it into a legacy .xls (make.sh).
    csv_file("roster-for-xls.csv", ROSTER, "utf-8")

    # A sign-in sheet of one event: title, key-value block, 工号 typed as
    # numbers (leading zeros lost), a merged unit column, a totals row and
    # a hidden sheet of an older list.
    fods("attendance-kv.fods", [
        ("签到表", False, [
            [("merge", 1, 6, "温州医科大学教师发展中心活动签到表"), "covered", "covered", "covered", "covered", "covered"],
            ["活动名称：", "课堂教学设计工作坊"],
            ["日期：2024.3.5-3.7", None, "组织单位：教师发展中心"],
            ["活动编号：TDC-2024-015   项目序号：2"],
            [],
            ["序号", "工号", "姓名", "单位", "签到", "备注"],
            [1, 123, "张　伟", ("merge", 3, 1, "基础医学院"), "已签到", None],
            [2, 124, "李娜", "covered", "已签到", None],
            [3, None, "王芳", "covered", None, None],
            [4, 200, "刘 洋", "第一临床医学院", "已签到", "迟到"],
            [5, 999, "路人甲", "第一临床医学院", "已签到", None],
            [6, 201, "陈晶", "第一临床医学院", "已签到", None],
            [7, None, "陈静", "第一临床医学院", "已签到", None],
            [],
            ["合  计", None, "7人"],
        ]),
        ("旧名单", True, [
            ["工号", "姓名", "单位"],
            [123, "张伟", "基础医学院"],
        ]),
    ])

    # A unit's statistics sheet: the unit and year in the merged title,
    # dates as date cells (serials) and as text, a merged date column,
    # full-width digits, types by number and by name, and rows to reject.
    hdr = ["序号", "工号", "姓名", "项目序号", "活动名称", "科目类型", "开始日期",
           "结束日期", "角色", "学时", "审核结果", "证明材料"]
    fods("unit-sheet.fods", [
        ("填表说明", False, [["请按下表填写，日期写成 2024-03-05。"]]),
        ("统计表", False, [
            [("merge", 1, 12, "基础医学院2024-2025学年继续教育学时统计表")] + ["covered"] * 11,
            hdr,
            [1, "00123", "张伟", 1, "学术讲座：肿瘤免疫", "A", ("date", "2024-09-10"),
             ("date", "2024-09-10"), "主讲人", "４学时", "通过", None],
            [2, "00123", "张伟", "各类培训、讲座、研讨、沙龙", "青年教师沙龙", "专业科目",
             "2024.10.8", None, "参加", "4.0", "审核通过", None],
            [3, "00124", "李娜", 29, "网络课程", "一般公需科目", "2024年11月1日至11月30日",
             None, None, 25, "待审核", "ZS-2024-0001"],
            [4, "00124", "李娜", "科研训练营", "暑期科研训练营", "B", 20241201, None, None,
             8, "通过", None],
            [5, "00125", "王芳", 1, "讲座", "A", "2024.13.1", None, None, 4, None, None],
            [6, "00125", "王芳", 3, "教研活动", "A", ("date", "2024-10-15"), None, None, -4,
             None, None],
            [7, "00125", "王芳", None, "读书会", "A", ("date", "2024-10-16"), None, None, 4,
             None, None],
            [8, "00124", "李娜", 16, "工会活动", "C", ("merge", 2, 1, ("date", "2025-05-01")),
             None, "参与", 4, "同意", None],
            [9, "00123", "张伟", 16, "工会活动", "C", "covered", None, "参与", 4, "同意", None],
            ["小计", None, None, None, None, None, None, None, None, 49],
        ]),
    ])

    # A unit's per-person summary of A/B/C totals.
    fods("unit-totals.fods", [
        ("汇总", False, [
            ["2024-2025学年继续教育学时汇总表"],
            ["工号", "姓名", "专业科目", "行业公需科目", "一般公需科目", "合计"],
            [200, "刘洋", 64, 10, 8, 82],
            ["00201", "陈静", 60, None, 18.5, 78.5],
            ["00999", "路人乙", "abc", 0, 0, 0],
            ["合计", None, 124, 10, 26.5, 160.5],
        ]),
    ])


if __name__ == "__main__":
    main()
