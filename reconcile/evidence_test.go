package reconcile

import (
	"slices"
	"testing"
)

func TestApplyEvidence(t *testing.T) {
	const title = "教学沙龙"
	on := d(3, 5)
	claim := rec(KindClaims, 2, title, on)
	claimOK := rec(KindClaims, 2, title, on, withReview(ReviewApproved))
	claimNo := rec(KindClaims, 2, title, on, withReview(ReviewRejected))
	att := rec(KindAttendance, 3, title, on, withOrg("护理学院"))
	attTDC := rec(KindAttendance, 3, title, on, withOrg("教师发展中心（教务处）"))
	unitOK := rec(KindUnitSheet, 4, title, on, withReview(ReviewApproved))
	unitPending := rec(KindUnitSheet, 4, title, on)
	unitNo := rec(KindUnitSheet, 4, title, on, withReview(ReviewRejected))

	tests := []struct {
		name     string
		external bool
		recs     []Record
		want     Status
		flag     FlagCode // "" for none
	}{
		// The rows of DESIGN §3's table, in its order.
		{"claim and attendance", false, []Record{claim, att}, StatusVerified, ""},
		{"approved unit sheet alone", false, []Record{unitOK}, StatusVerified, ""},
		{"approved unit sheet with a claim", false, []Record{unitOK, claim}, StatusVerified, ""},
		{"approved claim", false, []Record{claimOK}, StatusVerified, ""},
		{"auto-credit attendance alone", false, []Record{attTDC}, StatusAutoCredited, ""},
		{"auto-credit attendance with a claim", false, []Record{attTDC, claim},
			StatusAutoCredited, ""},
		{"claim alone, internal", false, []Record{claim}, StatusPending, FlagNoAttendance},
		{"claim alone, external", true, []Record{claim}, StatusPending, ""},
		{"pending unit sheet alone", false, []Record{unitPending}, StatusPending, ""},
		{"attendance alone, other organiser", false, []Record{att}, StatusNotCredited,
			FlagUnclaimedAttendance},
		{"unit sheet rejected", false, []Record{unitNo}, StatusNotCredited, FlagUnitRejected},
		{"claim rejected", false, []Record{claimNo}, StatusNotCredited, FlagUnitRejected},

		// Where rows meet: the order ApplyEvidence documents.
		{"unit approval outranks a rejected claim", false, []Record{unitOK, claimNo},
			StatusVerified, ""},
		{"unit rejection outranks attendance and claim", false, []Record{unitNo, att, claim},
			StatusNotCredited, FlagUnitRejected},
		{"unit rejection outranks auto-credit", false, []Record{unitNo, attTDC},
			StatusNotCredited, FlagUnitRejected},
		{"auto-credit outranks a rejected claim", false, []Record{attTDC, claimNo},
			StatusAutoCredited, ""},
		{"rejected claim outranks other attendance", false, []Record{att, claimNo},
			StatusNotCredited, FlagUnitRejected},
		{"attendance with a pending unit sheet", false, []Record{att, unitPending},
			StatusVerified, ""},
		{"claim and pending unit sheet, internal", false, []Record{claim, unitPending},
			StatusPending, FlagNoAttendance},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := &Occurrence{Records: tt.recs}
			ApplyEvidence(o, tt.external, DefaultAutoCreditOrganisers)
			if o.Status != tt.want {
				t.Errorf("status = %s, want %s", o.Status, tt.want)
			}
			var codes []FlagCode
			for _, f := range o.Flags {
				codes = append(codes, f.Code)
				if len(f.Sources) == 0 || f.Message == "" || f.Action == "" {
					t.Errorf("flag %s lacks sources, message or action: %+v", f.Code, f)
				}
			}
			want := []FlagCode{}
			if tt.flag != "" {
				want = []FlagCode{tt.flag}
			}
			if !slices.Equal(codes, want) {
				t.Errorf("flags = %v, want %v", codes, want)
			}
		})
	}
}

func TestIsAutoCreditOrganiser(t *testing.T) {
	tests := []struct {
		org      string
		prefixes []string
		want     bool
	}{
		{"教师发展中心", DefaultAutoCreditOrganisers, true},
		{"教师 发展中心（教务处）", DefaultAutoCreditOrganisers, true},
		{"护理学院教师发展中心", DefaultAutoCreditOrganisers, false},
		{"", DefaultAutoCreditOrganisers, false},
		{"继续教育学院", []string{"继续教育学院", "教师发展中心"}, true},
		{"教师发展中心", []string{""}, false},
		{"教师发展中心", nil, false},
	}
	for _, tt := range tests {
		if got := IsAutoCreditOrganiser(tt.org, tt.prefixes); got != tt.want {
			t.Errorf("IsAutoCreditOrganiser(%q, %q) = %v, want %v", tt.org, tt.prefixes,
				got, tt.want)
		}
	}
}
