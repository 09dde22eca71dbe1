package reconcile_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"cehours/reconcile"
)

// BenchmarkEvaluate evaluates 20,000 people × 40 occurrences (800,000
// occurrences) per op, generated in memory across all 32 types, roles,
// levels and statuses.
func BenchmarkEvaluate(b *testing.B) {
	const people, perPerson = 20000, 40
	rs := defaultRules()
	r := rand.New(rand.NewPCG(4, 2024))
	roles := []reconcile.Role{"", reconcile.RoleSpeaker, reconcile.RoleConvener,
		reconcile.RoleHost, reconcile.RoleMember, reconcile.RoleAsking, reconcile.RoleAnswering}
	levels := []reconcile.Level{"", reconcile.LevelSchool, reconcile.LevelProvincial}
	cats := []reconcile.Category{reconcile.CatA, reconcile.CatB, reconcile.CatC, ""}
	statuses := []reconcile.Status{reconcile.StatusVerified, reconcile.StatusVerified,
		reconcile.StatusAutoCredited, reconcile.StatusPending, reconcile.StatusNotCredited}
	staff := make([]reconcile.Staff, people)
	occs := make([][]*reconcile.Occurrence, people)
	for p := range people {
		staff[p] = reconcile.Staff{No: fmt.Sprintf("%08d", p), Teacher: p%3 != 0,
			Series: "教师", Birth: reconcile.NewDate(1960+p%40, time.March, 1)}
		for i := range perPerson {
			start := reconcile.Year(2024).Start().AddDays(r.IntN(330))
			occs[p] = append(occs[p], &reconcile.Occurrence{
				Key: fmt.Sprintf("%s/%d", staff[p].No, i), StaffNo: staff[p].No, Year: 2024,
				Type: 1 + r.IntN(32), Start: start, End: start.AddDays(r.IntN(150)),
				Count: r.IntN(4), Role: roles[r.IntN(len(roles))],
				Level: levels[r.IntN(len(levels))], Category: cats[r.IntN(len(cats))],
				Status: statuses[r.IntN(len(statuses))], Stated: reconcile.H(int64(r.IntN(20))),
				Title: "测试活动", Share: r.IntN(2) * 5000,
			})
		}
	}
	today := reconcile.NewDate(2025, time.March, 1)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for p := range people {
			rs.Evaluate(staff[p], 2024, occs[p], today)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*people*perPerson), "ns/occurrence")
}
