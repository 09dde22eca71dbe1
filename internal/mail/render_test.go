package mail

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"regexp"
	"strings"
	"testing"
	"time"
)

// parsed is a rendered message read back with the standard library.
type parsed struct {
	Header      mail.Header
	Subject     string
	Text, HTML  string
	Attachments []parsedAttachment
}

// parsedAttachment is an attachment as a reader sees it.
type parsedAttachment struct {
	ASCII    string // filename= as written
	Name     string // filename*= decoded (what RFC 2231 readers show)
	TypeName string // name= on the Content-Type, RFC 2047 decoded
	Type     string
	Data     []byte
}

func parseRaw(raw []byte) (*mail.Message, error) {
	return mail.ReadMessage(bytes.NewReader(raw))
}

var asciiParam = regexp.MustCompile(`(?:^|;)\s*filename="((?:[^"\\]|\\.)*)"`)

// parseMessage reads a rendered message back: subject, bodies and
// attachments with every form of their names.
func parseMessage(t *testing.T, raw []byte) parsed {
	t.Helper()
	m, err := parseRaw(raw)
	if err != nil {
		t.Fatalf("read message: %v", err)
	}
	var dec mime.WordDecoder
	p := parsed{Header: m.Header}
	if p.Subject, err = dec.DecodeHeader(m.Header.Get("Subject")); err != nil {
		t.Fatalf("decode subject: %v", err)
	}
	walkPart(t, &p, m.Header.Get("Content-Type"), m.Header.Get("Content-Transfer-Encoding"),
		m.Header.Get("Content-Disposition"), m.Body)
	return p
}

// walkPart adds one MIME part, or the parts inside a multipart, to p.
func walkPart(t *testing.T, p *parsed, ctype, cte, disp string, body io.Reader) {
	t.Helper()
	mt, params, err := mime.ParseMediaType(ctype)
	if err != nil {
		t.Fatalf("content type %q: %v", ctype, err)
	}
	if strings.HasPrefix(mt, "multipart/") {
		r := multipart.NewReader(body, params["boundary"])
		for {
			part, err := r.NextRawPart()
			if err == io.EOF {
				return
			}
			if err != nil {
				t.Fatalf("next part: %v", err)
			}
			h := part.Header
			walkPart(t, p, h.Get("Content-Type"), h.Get("Content-Transfer-Encoding"),
				h.Get("Content-Disposition"), part)
		}
	}
	data, err := io.ReadAll(body)
	if err != nil {
		t.Fatal(err)
	}
	if strings.EqualFold(cte, "base64") {
		data, err = base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(data)), ""))
		if err != nil {
			t.Fatalf("base64 body: %v", err)
		}
	}
	if disp == "" {
		if mt == "text/html" {
			p.HTML = string(data)
		} else {
			p.Text = string(data)
		}
		return
	}
	_, dparams, err := mime.ParseMediaType(disp)
	if err != nil {
		t.Fatalf("content disposition %q: %v", disp, err)
	}
	var dec mime.WordDecoder
	typeName, err := dec.DecodeHeader(params["name"])
	if err != nil {
		t.Fatalf("name= %q: %v", params["name"], err)
	}
	a := parsedAttachment{Name: dparams["filename"], TypeName: typeName, Type: mt, Data: data}
	if m := asciiParam.FindStringSubmatch(disp); m != nil {
		a.ASCII = strings.NewReplacer(`\"`, `"`, `\\`, `\`).Replace(m[1])
	}
	p.Attachments = append(p.Attachments, a)
}

var sender = Address{Name: "温州医科大学继续教育", Email: "cehours@wmu.edu.cn"}

func TestRender(t *testing.T) {
	xlsx := "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	long := strings.Repeat("温州医科大学附属第一医院", 6) + "学时差异清单.xlsx"
	tests := []struct {
		name    string
		att     Attachment
		want    parsedAttachment
		noExtra bool // only filename=, no RFC 2231 or 2047 form
	}{
		{
			name: "chinese name beside the ascii file name",
			att: Attachment{Filename: "discrepancies-U01-2024-2025.xlsx",
				Name: "学时差异清单-U01-2024-2025.xlsx", Data: []byte("PK\x03\x04 data")},
			want: parsedAttachment{ASCII: "discrepancies-U01-2024-2025.xlsx",
				Name: "学时差异清单-U01-2024-2025.xlsx", TypeName: "学时差异清单-U01-2024-2025.xlsx",
				Type: xlsx, Data: []byte("PK\x03\x04 data")},
		},
		{
			name: "ascii name alone",
			att:  Attachment{Filename: "form-20230001.xlsx", Data: []byte{0, 1, 2, 255}},
			want: parsedAttachment{ASCII: "form-20230001.xlsx", Name: "form-20230001.xlsx",
				TypeName: "form-20230001.xlsx", Type: xlsx, Data: []byte{0, 1, 2, 255}},
			noExtra: true,
		},
		{
			name: "long chinese name with spaces and a quote",
			att: Attachment{Filename: "digest 2024.pdf", Name: `汇总 "2024" ` + long,
				ContentType: "application/pdf", Data: bytes.Repeat([]byte("x"), 5000)},
			want: parsedAttachment{ASCII: "digest 2024.pdf", Name: `汇总 "2024" ` + long,
				TypeName: `汇总 "2024" ` + long, Type: "application/pdf",
				Data: bytes.Repeat([]byte("x"), 5000)},
		},
		{
			name: "non-ascii file name is made ascii",
			att:  Attachment{Filename: "名单/2024.csv", Name: "名单2024.csv", Data: []byte("a,b\n")},
			want: parsedAttachment{ASCII: "___2024.csv", Name: "名单2024.csv",
				TypeName: "名单2024.csv", Type: "text/csv", Data: []byte("a,b\n")},
		},
	}
	at := time.Date(2025, 8, 1, 9, 30, 0, 0, time.UTC)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			msg := Message{Key: "unit/U01/2024-2025/2025-08-01", Kind: "unit",
				To:      []Address{{Name: "张主任", Email: "head@wmu.edu.cn"}},
				Subject: "【继续教育】2024-2025学年 学时差异清单（临床医学院）",
				Text:    "请核对附件。", HTML: "<p>请核对<b>附件</b>。</p>",
				Attachments: []Attachment{tc.att}}
			raw, err := Render(msg, sender, at)
			if err != nil {
				t.Fatal(err)
			}
			p := parseMessage(t, raw)
			if p.Subject != msg.Subject {
				t.Errorf("subject = %q, want %q", p.Subject, msg.Subject)
			}
			if p.Text != msg.Text || p.HTML != msg.HTML {
				t.Errorf("bodies = %q, %q; want %q, %q", p.Text, p.HTML, msg.Text, msg.HTML)
			}
			if got, want := p.Header.Get("Message-ID"), "<"+MessageID(msg.Key, sender)+">"; got != want {
				t.Errorf("Message-ID = %s, want %s", got, want)
			}
			if d, err := p.Header.Date(); err != nil || !d.Equal(at) {
				t.Errorf("Date = %v (%v), want %v", d, err, at)
			}
			to, err := p.Header.AddressList("To")
			if err != nil || len(to) != 1 || to[0].Name != "张主任" {
				t.Errorf("To = %v (%v)", to, err)
			}
			if len(p.Attachments) != 1 {
				t.Fatalf("%d attachments, want 1", len(p.Attachments))
			}
			got := p.Attachments[0]
			if got.ASCII != tc.want.ASCII || got.Name != tc.want.Name ||
				got.TypeName != tc.want.TypeName || got.Type != tc.want.Type ||
				!bytes.Equal(got.Data, tc.want.Data) {
				t.Errorf("attachment = %+v\nwant %+v", got, tc.want)
			}
			if extra := bytes.Contains(raw, []byte("filename*=")); extra == tc.noExtra {
				t.Errorf("filename*= present: %v, want %v", extra, !tc.noExtra)
			}
			for i, line := range strings.Split(string(raw), "\r\n") {
				if len(line) > 998 {
					t.Errorf("line %d is %d bytes long", i+1, len(line))
				}
			}
		})
	}
}

func TestRenderRejects(t *testing.T) {
	ok := Message{Key: "k", To: []Address{{Email: "a@b.cn"}}, Text: "x"}
	tests := []struct {
		name   string
		change func(m *Message)
	}{
		{"no key", func(m *Message) { m.Key = "" }},
		{"key too long", func(m *Message) { m.Key = strings.Repeat("键", 192) }},
		{"no recipient", func(m *Message) { m.To = nil }},
		{"bad recipient", func(m *Message) { m.To = []Address{{Email: "not an address"}} }},
		{"attachment without file name", func(m *Message) {
			m.Attachments = []Attachment{{Name: "表.xlsx"}}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := ok
			tc.change(&m)
			if _, err := Render(m, sender, time.Now()); err == nil {
				t.Fatal("rendered, want an error")
			}
		})
	}
	if _, err := Render(ok, sender, time.Now()); err != nil {
		t.Fatalf("valid message: %v", err)
	}
}

func TestMessageIDIsFixedByKeyAndDomain(t *testing.T) {
	a := MessageID("reminder/20230001/2024-2025/2025-08-15", sender)
	if a != MessageID("reminder/20230001/2024-2025/2025-08-15", sender) {
		t.Error("same key, different Message-IDs")
	}
	if a == MessageID("reminder/20230002/2024-2025/2025-08-15", sender) {
		t.Error("different keys, same Message-ID")
	}
	if !strings.HasSuffix(a, "@wmu.edu.cn") {
		t.Errorf("Message-ID %s is not in the sender's domain", a)
	}
}

// FuzzAttachmentName checks that any attachment name a report might build
// survives rendering and reading back.
func FuzzAttachmentName(f *testing.F) {
	f.Add("discrepancies-U01-2024-2025.xlsx", "学时差异清单-U01-2024-2025.xlsx")
	f.Add("a.xlsx", "")
	f.Add(`q"uote\.xlsx`, "引号\"与\\反斜杠；分号.xlsx")
	f.Add("form.xlsx", "继续教育学时统计表（张三）.xlsx")
	f.Fuzz(func(t *testing.T, filename, name string) {
		if filename == "" || !utf8Valid(name) || strings.ContainsAny(name, "\r\n\x00") {
			t.Skip()
		}
		msg := Message{Key: "k", To: []Address{{Email: "a@b.cn"}}, Text: "x",
			Attachments: []Attachment{{Filename: filename, Name: name, Data: []byte("d")}}}
		raw, err := Render(msg, sender, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		p := parseMessage(t, raw)
		want := name
		if want == "" {
			want = asciiFilename(filename)
		}
		if a := p.Attachments[0]; a.Name != want || a.ASCII != asciiFilename(filename) {
			t.Errorf("read back %+v, want name %q", a, want)
		}
	})
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }
