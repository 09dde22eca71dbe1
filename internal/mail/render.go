package mail

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	gomail "github.com/wneessen/go-mail"
)

// ErrInvalidMessage is the cause of errors for a message that cannot be
// rendered: no key, no recipient, a bad address or an attachment with no
// file name.
var ErrInvalidMessage = errors.New("invalid message")

// ParseAddress parses an address as configured ("名字 <a@b.cn>" or
// "a@b.cn").
func ParseAddress(s string) (Address, error) {
	a, err := mail.ParseAddress(s)
	if err != nil {
		return Address{}, fmt.Errorf("parse address %q: %w: %w", s, ErrInvalidMessage, err)
	}
	return Address{Name: a.Name, Email: a.Address}, nil
}

// MessageID returns the Message-ID (without angle brackets) of the
// message with idempotency key key sent from the domain of from. It is a
// pure function of both, so a message rendered twice, or sent again after
// a crash, carries the same Message-ID.
func MessageID(key string, from Address) string {
	domain := "localhost"
	if i := strings.LastIndexByte(from.Email, '@'); i >= 0 && i < len(from.Email)-1 {
		domain = from.Email[i+1:]
	}
	sum := sha256.Sum256([]byte(key))
	return "cehours." + hex.EncodeToString(sum[:16]) + "@" + domain
}

// Render returns msg as a complete RFC 5322 message from from, dated at,
// with the Message-ID MessageID(msg.Key, from). The body is
// multipart/alternative (text and HTML) when msg.HTML is set; subject and
// display names are RFC 2047 encoded; text parts are UTF-8 in base64.
// Each attachment carries its ASCII Filename as filename= and its Chinese
// Name both as RFC 2231 filename*= and as an RFC 2047 name= on the
// Content-Type, the forms Outlook, Tencent Exmail and QQ Mail read.
func Render(msg Message, from Address, at time.Time) ([]byte, error) {
	if err := check(msg); err != nil {
		return nil, err
	}
	m := gomail.NewMsg(gomail.WithEncoding(gomail.EncodingB64),
		gomail.WithCharset(gomail.CharsetUTF8), gomail.WithNoDefaultUserAgent())

	// Envelope headers.
	if err := m.FromFormat(from.Name, from.Email); err != nil {
		return nil, fmt.Errorf("render %s: from: %w: %w", msg.Key, ErrInvalidMessage, err)
	}
	for _, to := range msg.To {
		if err := m.AddToFormat(to.Name, to.Email); err != nil {
			return nil, fmt.Errorf("render %s: to: %w: %w", msg.Key, ErrInvalidMessage, err)
		}
	}
	m.Subject(msg.Subject)
	m.SetDateWithValue(at)
	m.SetMessageIDWithValue(MessageID(msg.Key, from))

	// Bodies: plain text always, HTML as its alternative when present.
	m.SetBodyString(gomail.TypeTextPlain, msg.Text)
	if msg.HTML != "" {
		m.AddAlternativeString(gomail.TypeTextHTML, msg.HTML)
	}

	// Attachments with the file-name headers go-mail does not write.
	for _, a := range msg.Attachments {
		m.AttachReadSeeker(a.Filename, bytes.NewReader(a.Data), withNames(a))
	}
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("render %s: %w", msg.Key, err)
	}
	return buf.Bytes(), nil
}

// check reports what makes msg impossible to render or store: the key is
// required and fits the outbox's 191-character column.
func check(msg Message) error {
	bad := func(what string) error {
		return fmt.Errorf("render %q: %s: %w", msg.Key, what, ErrInvalidMessage)
	}
	switch {
	case msg.Key == "":
		return bad("no idempotency key")
	case utf8.RuneCountInString(msg.Key) > 191:
		return bad("idempotency key longer than 191 characters")
	case len(msg.To) == 0:
		return bad("no recipient")
	}
	for _, a := range msg.Attachments {
		if a.Filename == "" {
			return bad("attachment without a file name")
		}
	}
	return nil
}

// withNames sets an attachment's Content-Type and Content-Disposition.
// go-mail writes the name only RFC 2047 encoded inside filename=, which
// RFC 2231 readers (Outlook, Thunderbird, Apple Mail) show verbatim; here
// filename= is the plain ASCII name, filename*= the UTF-8 name and name=
// on the Content-Type the RFC 2047 name for older readers. Parameters are
// folded one to a line.
func withNames(a Attachment) gomail.FileOption {
	ascii := asciiFilename(a.Filename)
	name := a.Name
	if name == "" {
		name = ascii
	}
	ct := a.ContentType
	if ct == "" {
		ct = mime.TypeByExtension(extension(ascii))
	}
	if ct == "" {
		ct = "application/octet-stream"
	}
	return func(f *gomail.File) {
		typeName, dispName := quote(ascii), `filename="`+quote(ascii)+`"`
		if name != ascii {
			// The encoder leaves printable ASCII as it is; it is quoted then.
			if typeName = mime.BEncoding.Encode("UTF-8", name); typeName == name {
				typeName = quote(name)
			}
			dispName += ";\r\n filename*=UTF-8''" + percentEncode(name)
		}
		f.Header.Set("Content-Type", ct+";\r\n name=\""+typeName+"\"")
		f.Header.Set("Content-Disposition", "attachment;\r\n "+dispName)
	}
}

// asciiFilename replaces what is not printable ASCII, and the characters
// file systems or MIME parameters reject, with '_'.
func asciiFilename(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x20 || r > 0x7e || strings.ContainsRune(`"\/:*?<>|`, r) {
			r = '_'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// quoter escapes backslashes and quotes for a quoted-string.
var quoter = strings.NewReplacer(`\`, `\\`, `"`, `\"`)

// quote escapes backslashes and quotes for a quoted-string.
func quote(s string) string { return quoter.Replace(s) }

// extension returns the extension of a file name, dot included.
func extension(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[i:]
	}
	return ""
}

// percentEncode encodes s for an RFC 2231 extended parameter value: the
// RFC 5987 attr-chars stay, every other byte becomes %XX.
func percentEncode(s string) string {
	const attrChars = "!#$&+-.^_`|~"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			strings.IndexByte(attrChars, c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}
