// Package mail queues messages in the database outbox and delivers them
// over SMTP, or writes them as .eml files when no SMTP server is set.
package mail

// Address is a recipient or sender.
type Address struct {
	Name  string // display name, may be Chinese
	Email string
}

// Message is a message to queue. Key is its idempotency key: a message
// with a key already in the outbox is not queued again.
type Message struct {
	Key         string // e.g. "reminder/20230001/2024-2025/2025-08-15"
	Kind        string // digest | unit | reminder
	To          []Address
	Subject     string
	Text        string // plain-text body
	HTML        string // HTML body; may be empty
	Attachments []Attachment
}

// Attachment is a file attached to a message. Filename is ASCII, safe for
// every client; Name is the Chinese name shown by clients that can.
type Attachment struct {
	Filename    string // e.g. "discrepancies-U01-2024-2025.xlsx"
	Name        string // e.g. "学时差异清单-U01-2024-2025.xlsx"
	ContentType string
	Data        []byte
}
