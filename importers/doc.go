// Package importers reads the spreadsheets people send — the HR roster,
// the units list, sign-in sheets, units' statistics sheets and exports of
// self-reported claims — and turns every row into a record, a person, a
// unit or a unit's per-person total, or into a rejection that says where
// the row is and, in Chinese, what is wrong with it.
//
// Parse reads the bytes of one file (.xlsx, or .csv in UTF-8 or GBK) and
// streams its rows to a Sink; it finds the header below any title rows,
// maps columns by their names and aliases (DESIGN §4), normalises values
// and resolves identities against a Directory (the roster in force). An
// Importer stores a parsed file in one transaction (internal/store),
// replacing the older file of the same kind and scope, and works through
// the inbox folders, moving each file to the archive or, when it cannot be
// read at all, to the failed folder with an explanation beside it.
//
// Choices where the design is silent:
//   - A 工号 written as a number that lost its leading zeros is padded to
//     each width of the roster's numeric 工号 in turn, longest first; the
//     first padded form the roster knows is taken.
//   - A name-only row without a unit is matched against the whole roster.
//   - A review opinion that neither approves nor rejects in so many words
//     counts as not yet reviewed, so nothing is credited on a guess.
//   - An unreadable category, role, level, share, count or 学年 rejects the
//     row: a guess would change the hours a person is credited.
//   - Unknown columns of activity files are kept (Record.Extra); those of a
//     roster are not, as rosters carry ID-card numbers.
//   - A unit sheet's scope is its unit (given, named in the title, or the
//     one most rows name) and its year (named in a title or key-value row,
//     else the one most rows fall in). An attendance file's scope is its
//     event: the event code, else title and date; a file of several events
//     is scoped by the set of them.
//   - Excel serial numbers are read as dates only from 1930 to 2100, so a
//     year typed alone is not taken for a day of 1905.
package importers
