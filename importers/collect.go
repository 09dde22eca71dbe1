package importers

import "cehours/reconcile"

// Collector is a Sink that keeps everything in memory, for small files
// (a roster to build a Directory from, a returned workbook) and tests.
type Collector struct {
	Records []reconcile.Record
	People  []reconcile.Staff
	Units   []reconcile.Unit
	Totals  []reconcile.UnitTotal
	Rejects []*RowError
}

// Record implements Sink.
func (c *Collector) Record(r reconcile.Record) error { c.Records = append(c.Records, r); return nil }

// Person implements Sink.
func (c *Collector) Person(s reconcile.Staff) error { c.People = append(c.People, s); return nil }

// Unit implements Sink.
func (c *Collector) Unit(u reconcile.Unit) error { c.Units = append(c.Units, u); return nil }

// Total implements Sink.
func (c *Collector) Total(t reconcile.UnitTotal) error { c.Totals = append(c.Totals, t); return nil }

// Reject implements Sink.
func (c *Collector) Reject(e *RowError) error { c.Rejects = append(c.Rejects, e); return nil }
