package importers

import (
	"errors"
	"fmt"

	"cehours/reconcile"
)

// File-level errors: the file as a whole cannot be read, and nothing of it
// is imported. Each is testable with errors.Is.
var (
	// ErrLegacyXLS: an Excel 97–2003 .xls (or an encrypted workbook), which
	// the user must save as .xlsx.
	ErrLegacyXLS = errors.New("legacy .xls workbook")
	// ErrFormat: the content is not what the extension says, or the
	// extension is not one the importers read.
	ErrFormat = errors.New("unsupported or mismatched file format")
	// ErrCorrupt: a damaged workbook (a truncated zip, broken XML) or a
	// .csv that is not text.
	ErrCorrupt = errors.New("damaged or unreadable file")
	// ErrTooLarge: the file exceeds a configured limit.
	ErrTooLarge = errors.New("file exceeds a limit")
	// ErrNoHeader: no sheet has a header row the kind recognises.
	ErrNoHeader = errors.New("no header row found")
)

// Row-level causes: one row is rejected, the rest of the file goes on.
var (
	ErrMissingStaff  = errors.New("no staff number or name")
	ErrUnknownStaff  = errors.New("name matches nobody in the roster")
	ErrAmbiguousName = errors.New("name matches several people")
	ErrMissingType   = errors.New("no activity type")
	ErrMissingDate   = errors.New("no date")
	ErrMissingField  = errors.New("required value missing")
	ErrCellTooLong   = errors.New("cell too long")
)

// Reject codes: stable English codes stored with each rejected row and
// shown in `cehours imports --rejected`.
const (
	CodeBadDate       = "bad-date"
	CodeMissingDate   = "missing-date"
	CodeBadHours      = "bad-hours"
	CodeMissingStaff  = "missing-staff"
	CodeUnknownStaff  = "unknown-staff"
	CodeAmbiguousName = "ambiguous-name"
	CodeMissingType   = "missing-type"
	CodeBadType       = "bad-type"
	CodeBadCategory   = "bad-category"
	CodeBadRole       = "bad-role"
	CodeBadLevel      = "bad-level"
	CodeBadShare      = "bad-share"
	CodeBadNumber     = "bad-number"
	CodeBadYear       = "bad-year"
	CodeMissingField  = "missing-field"
	CodeTooLong       = "cell-too-long"
)

// RowError is a rejected row: where it is, which value could not be read,
// why (a stable code and a sentinel cause) and what to tell the person who
// sent the file (a Chinese message). It is modelled on csv.ParseError.
type RowError struct {
	File    string // base name of the file
	Sheet   string // sheet name; "" for a .csv
	Row     int    // 1-based row number as the spreadsheet shows it
	Column  string // the column's header as written in the file; "" if none
	Value   string // the raw value
	Code    string // one of the Code constants
	Message string // Chinese, for a unit secretary
	Err     error  // the cause; errors.Is finds the sentinels through it
}

// Error returns an English one-line description for logs.
func (e *RowError) Error() string {
	where := e.File
	if e.Sheet != "" {
		where += ": sheet " + e.Sheet
	}
	col := ""
	if e.Column != "" {
		col = fmt.Sprintf(": column %s", e.Column)
	}
	return fmt.Sprintf("import %s: row %d%s: %s: %v", where, e.Row, col, e.Code, e.Err)
}

// Unwrap returns the cause.
func (e *RowError) Unwrap() error { return e.Err }

// FileError is a file that could not be read at all. Message is the
// Chinese explanation written beside a file moved to failed/.
type FileError struct {
	File    string
	Message string
	Err     error
}

// Error returns an English one-line description for logs.
func (e *FileError) Error() string { return fmt.Sprintf("import %s: %v", e.File, e.Err) }

// Unwrap returns the cause.
func (e *FileError) Unwrap() error { return e.Err }

// fileError builds a FileError whose cause wraps sentinel with detail.
func fileError(file string, sentinel error, msg string, detail error) *FileError {
	err := sentinel
	if detail != nil {
		err = fmt.Errorf("%w: %w", sentinel, detail)
	}
	return &FileError{File: file, Message: msg, Err: err}
}

// codeOf maps a parse cause to its reject code and a Chinese message.
func codeOf(err error) (code, msg string) {
	switch {
	case errors.Is(err, reconcile.ErrDate):
		return CodeBadDate, "日期无法识别或不存在，请写成 2024-03-05 这样的日期"
	case errors.Is(err, ErrMissingDate):
		return CodeMissingDate, "缺少日期"
	case errors.Is(err, reconcile.ErrHours):
		return CodeBadHours, "学时不是正数，请填写如 4 或 2.5 这样的数字"
	case errors.Is(err, ErrMissingStaff):
		return CodeMissingStaff, "缺少工号和姓名，无法确定是谁"
	case errors.Is(err, ErrUnknownStaff):
		return CodeUnknownStaff, "人事名册中没有此姓名的人员，请补填工号"
	case errors.Is(err, ErrAmbiguousName):
		return CodeAmbiguousName, "本单位有多人同名，请补填工号"
	case errors.Is(err, ErrMissingType):
		return CodeMissingType, "缺少项目序号或项目类型"
	case errors.Is(err, ErrType):
		return CodeBadType, "项目序号应为 1 至 32 之间的数字"
	case errors.Is(err, ErrCategory):
		return CodeBadCategory, "科目类型应为 A、B、C 或 专业科目、行业公需科目、一般公需科目"
	case errors.Is(err, ErrRole):
		return CodeBadRole, "角色无法识别，请填写 参加、主讲人、主持人、成员 等"
	case errors.Is(err, ErrLevel):
		return CodeBadLevel, "级别应为 校级、省级 或 国家级"
	case errors.Is(err, ErrShare):
		return CodeBadShare, "分摊比例应为 0.5、50% 或 1/2 这样大于 0、不超过 1 的数"
	case errors.Is(err, ErrNumber):
		return CodeBadNumber, "应为正整数（天数、次数）"
	case errors.Is(err, reconcile.ErrYear):
		return CodeBadYear, "学年应写成 2024-2025 这样的形式"
	case errors.Is(err, ErrCellTooLong):
		return CodeTooLong, "单元格内容过长"
	case errors.Is(err, ErrMissingField):
		return CodeMissingField, "缺少必填项"
	}
	return "bad-value", "无法识别的值"
}
