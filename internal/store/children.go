package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/match"
)

// CreateChild validates c, gives it a new ContactPoint ID when it has none,
// and stores it with every item it carries. It returns EInvalid naming the
// field at fault, or EConflict when c.ID is already taken.
func (db *DB) CreateChild(ctx context.Context, c *domain.Child) error {
	const op = "store.CreateChild"
	tx, err := db.begin(ctx)
	if err != nil {
		return internal(op, err)
	}
	defer tx.Rollback()
	if _, err := tx.createChildren(ctx, []*domain.Child{c}); err != nil {
		return internal(op, err)
	}
	if err := tx.audit(ctx, &domain.AuditEntry{UserID: actor(ctx), Action: domain.ActionChildCreate, ChildID: string(c.ID)}); err != nil {
		return internal(op, err)
	}
	return internal(op, tx.Commit())
}

// CreateChildren stores many new children in one transaction, for bulk
// loads (the demo seed, benchmarks, a first national load). One audit entry
// records the batch with the IDs it created. Any invalid child fails the
// whole batch, naming its position. Batches of a few thousand children
// load fastest.
func (db *DB) CreateChildren(ctx context.Context, cs []*domain.Child, detail map[string]any) error {
	return db.createChildren(ctx, "store.CreateChildren", cs, detail, insChildKeys)
}

// createChildren is CreateChildren writing the blocking keys with keys.
func (db *DB) createChildren(ctx context.Context, op string, cs []*domain.Child, detail map[string]any, keys *insertSpec) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return internal(op, err)
	}
	defer tx.Rollback()
	tx.keySpec = keys
	if i, err := tx.createChildren(ctx, cs); err != nil {
		if i >= 0 {
			err = fmt.Errorf("child %d: %w", i, err)
		}
		return internal(op, err)
	}
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = string(c.ID)
	}
	d := map[string]any{"created": ids}
	for k, v := range detail {
		d[k] = v
	}
	if err := tx.audit(ctx, &domain.AuditEntry{UserID: actor(ctx), Action: domain.ActionChildCreate, Detail: d}); err != nil {
		return internal(op, err)
	}
	return internal(op, tx.Commit())
}

// actor is the user in ctx, or "system" for work no user asked for (a feed,
// a scheduled job).
func actor(ctx context.Context) string {
	if u := domain.UserFromContext(ctx); u != nil {
		return u.ID
	}
	return SystemID
}

// SystemID is the audit trail's actor for work no user asked for.
const SystemID = "system"

// preparedChild is a new child with everything that costs CPU done: its
// validation, match data, blocking keys and the rows of its items and
// identifiers (hashed and sealed), waiting for its ID.
type preparedChild struct {
	c         *domain.Child
	generated bool
	rows      []queuedRow
	keys      []string
	match     string
	err       error
}

// prepareChild checks and prepares c for insertion at now. It touches only
// c, so children are prepared in parallel.
func (db *DB) prepareChild(c *domain.Child, now time.Time) *preparedChild {
	p := &preparedChild{c: c, generated: c.ID == ""}
	if err := c.Validate(domain.DateOf(now)); err != nil {
		p.err = err
		return p
	}
	if !p.generated {
		if _, err := domain.ParseID("contactpoint_id", string(c.ID)); err != nil {
			p.err = err
			return p
		}
	}
	if c.LACode == "" {
		c.LACode = responsibleLA(c)
	}
	if c.LACode == "" {
		p.err = domain.FieldError("la_code", "is required when no current address names the local authority")
		return p
	}
	c.Version = 1
	c.CreatedAt, c.UpdatedAt = now, now
	md := db.matchData(c) // before the identifiers' values are sealed and forgotten
	rows, err := db.itemRows(c, now)
	if err != nil {
		p.err = err
		return p
	}
	p.rows = rows
	p.keys = match.Keys(md.Record())
	b, err := json.Marshal(md)
	if err != nil {
		p.err = err
		return p
	}
	p.match = string(b)
	return p
}

// prepareChildren prepares cs on every core; the channel of each chunk of
// chunkSize children is closed once it is ready, so that the writer starts
// on the first chunk while the others are prepared.
func (db *DB) prepareChildren(cs []*domain.Child, now time.Time, chunkSize int) ([]*preparedChild, []chan struct{}) {
	ps := make([]*preparedChild, len(cs))
	chunks := (len(cs) + chunkSize - 1) / chunkSize
	ready := make([]chan struct{}, chunks)
	for i := range ready {
		ready[i] = make(chan struct{})
	}
	if chunks == 1 {
		for i, c := range cs {
			ps[i] = db.prepareChild(c, now)
		}
		close(ready[0])
		return ps, ready
	}
	var next atomic.Int64
	workers := min(runtime.GOMAXPROCS(0), chunks)
	for w := 0; w < workers; w++ {
		go func() {
			for {
				k := int(next.Add(1)) - 1
				if k >= chunks {
					return
				}
				for i := k * chunkSize; i < min((k+1)*chunkSize, len(cs)); i++ {
					ps[i] = db.prepareChild(cs[i], now)
				}
				close(ready[k])
			}
		}()
	}
	return ps, ready
}

// createChildren stores new children (validating each, drawing IDs for
// those without). On failure it returns the position of the child at fault,
// or -1.
func (tx *Tx) createChildren(ctx context.Context, cs []*domain.Child) (int, error) {
	const chunkSize = 256
	ps, ready := tx.db.prepareChildren(cs, tx.now, chunkSize)
	// Wait for every chunk before returning, even on failure: the workers
	// write into ps.
	defer func() {
		for _, r := range ready {
			<-r
		}
	}()
	taken := make(map[domain.ID]bool, len(cs))
	for k := range ready {
		<-ready[k]
		part := ps[k*chunkSize : min((k+1)*chunkSize, len(ps))]
		base := k * chunkSize
		for j, p := range part {
			if p.err != nil {
				return base + j, p.err
			}
			if p.generated {
				p.c.ID = tx.db.NewID()
			}
		}
		if j, err := tx.insertChildren(ctx, part, taken); err != nil {
			if j >= 0 {
				j += base
			}
			return j, err
		}
		for _, p := range part {
			id := string(p.c.ID)
			if err := tx.queueRows(ctx, id, p.rows); err != nil {
				return -1, err
			}
			for _, key := range p.keys {
				if err := tx.queue(ctx, tx.childKeys(), []any{key, id}); err != nil {
					return -1, err
				}
			}
			if err := tx.queue(ctx, insChildMatch, []any{id, p.match}); err != nil {
				return -1, err
			}
		}
	}
	return -1, nil
}

// insChildrenReturning inserts children whose IDs are free and names them.
var insChildrenReturning = &insertSpec{table: "children", cols: insChildren.cols,
	tail: "ON CONFLICT (id) DO NOTHING RETURNING id", childCol: 0, sortCol: 0}

// insertChildren writes the children rows of ps, whose IDs are set. IDs
// are random in a space of 29^8; among millions of children two draws do
// meet, so a generated ID that is taken (in the database, or earlier in
// this load) is simply drawn again; a given one that is taken is
// EConflict. ON CONFLICT DO NOTHING keeps the transaction usable on
// PostgreSQL, where a failed insert would abort it; RETURNING says which
// rows went in.
func (tx *Tx) insertChildren(ctx context.Context, ps []*preparedChild, taken map[domain.ID]bool) (int, error) {
	todo := make([]int, 0, len(ps))
	for j := range ps {
		todo = append(todo, j)
	}
	for attempt := 0; len(todo) > 0; attempt++ {
		if attempt > 20 {
			return -1, errors.New("store: no free ContactPoint ID after 20 draws")
		}
		batch := make([]int, 0, len(todo))
		for _, j := range todo {
			c := ps[j].c
			for draws := 0; taken[c.ID]; draws++ {
				if !ps[j].generated {
					return j, domain.Errorf(domain.EConflict, "ContactPoint ID %s is already in use", c.ID)
				}
				if draws == 20 {
					return -1, errors.New("store: no free ContactPoint ID after 20 draws")
				}
				c.ID = tx.db.NewID()
			}
			taken[c.ID] = true
			batch = append(batch, j)
		}
		inserted := make(map[string]bool, len(batch))
		per := insChildrenReturning.rowsPerStatement()
		for start := 0; start < len(batch); start += per {
			part := batch[start:min(start+per, len(batch))]
			args := make([]any, 0, len(part)*len(insChildren.cols))
			for _, j := range part {
				c := ps[j].c
				args = append(args, string(c.ID), c.GivenNames, c.FamilyName, string(c.Gender), c.DateOfBirth.String(),
					c.DateOfDeath.String(), string(c.AddressStatus), string(c.ReturnIntent), c.LACode,
					c.Version, formatTime(tx.now), formatTime(tx.now))
			}
			rows, err := tx.QueryContext(ctx, insChildrenReturning.query(len(part), tx.db.dialect.name == "sqlite"), args...)
			if err != nil {
				return -1, err
			}
			for rows.Next() {
				var id string
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return -1, err
				}
				inserted[id] = true
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return -1, err
			}
		}
		todo = todo[:0]
		for _, j := range batch {
			if inserted[string(ps[j].c.ID)] {
				continue
			}
			if !ps[j].generated {
				return j, domain.Errorf(domain.EConflict, "ContactPoint ID %s is already in use", ps[j].c.ID)
			}
			ps[j].c.ID = tx.db.NewID()
			todo = append(todo, j)
		}
	}
	return -1, nil
}

// responsibleLA is the authority of the child's current address, or of the
// last known one.
func responsibleLA(c *domain.Child) string {
	la := ""
	for _, a := range c.Addresses {
		if a.LACode == "" {
			continue
		}
		if a.To.IsZero() {
			return a.LACode
		}
		la = a.LACode
	}
	return la
}

// insertItems writes every item of c, giving new ones an ID and stamping
// provenance where it is missing.
func (tx *Tx) insertItems(ctx context.Context, c *domain.Child) error {
	rows, err := tx.db.itemRows(c, tx.now)
	if err != nil {
		return err
	}
	return tx.queueRows(ctx, string(c.ID), rows)
}

// itemRows returns the rows of every item and identifier of c, giving new
// items an ID and stamping provenance (at now) where it is missing; the
// child column is left for the caller. Identifiers are validated, stored
// as a keyed hash and a value sealed to their source, and their clear
// values forgotten.
func (db *DB) itemRows(c *domain.Child, now time.Time) ([]queuedRow, error) {
	stamp := func(p *domain.Provenance) {
		if p.Recorded.IsZero() {
			p.Recorded = now
		}
		if p.Source == "" {
			p.Source = "contactpoint"
		}
	}
	newID := func(s *string) {
		if *s == "" {
			*s = newItemID()
		}
	}
	rows := make([]queuedRow, 0, len(c.FormerFamilyNames)+len(c.Addresses)+len(c.Parents)+len(c.Education)+
		len(c.Health)+len(c.Involvements)+len(c.LeadProfessionals)+len(c.CAFs)+len(c.Identifiers))
	add := func(spec *insertSpec, args ...any) { rows = append(rows, queuedRow{spec, args}) }
	for i, n := range c.FormerFamilyNames {
		add(insFormerNames, nil, i, n)
	}
	for i := range c.Addresses {
		a := &c.Addresses[i]
		newID(&a.ID)
		stamp(&a.Provenance)
		add(insAddresses, a.ID, nil, a.Line1, a.Line2, a.Town, a.Postcode, a.LACode, a.From.String(), a.To.String(),
			a.Source, a.User, formatTime(a.Recorded))
	}
	for i := range c.Parents {
		p := &c.Parents[i]
		newID(&p.ID)
		stamp(&p.Provenance)
		add(insParents, p.ID, nil, i, p.Name, p.Relationship, p.ParentalResponsibility, contactJSON(p.Contact),
			p.Source, p.User, formatTime(p.Recorded))
	}
	for i := range c.Education {
		e := &c.Education[i]
		newID(&e.ID)
		stamp(&e.Provenance)
		add(insEducation, e.ID, nil, e.Name, e.URN, e.HomeEducated, contactJSON(e.Contact), e.Start.String(), e.End.String(),
			e.Source, e.User, formatTime(e.Recorded))
	}
	for i := range c.Health {
		h := &c.Health[i]
		newID(&h.ID)
		stamp(&h.Provenance)
		add(insHealth, h.ID, nil, h.Name, h.ODSCode, contactJSON(h.Contact), h.Start.String(), h.End.String(),
			h.Source, h.User, formatTime(h.Recorded))
	}
	for i := range c.Involvements {
		v := &c.Involvements[i]
		newID(&v.ID)
		stamp(&v.Provenance)
		add(insInvolvements, v.ID, nil, string(v.Service), v.Organisation, v.PractitionerName, v.Role, contactJSON(v.Contact),
			v.Start.String(), v.End.String(), v.Source, v.User, formatTime(v.Recorded), string(v.Basis))
	}
	for i := range c.LeadProfessionals {
		l := &c.LeadProfessionals[i]
		newID(&l.ID)
		stamp(&l.Provenance)
		add(insLeadProfessionals, l.ID, nil, l.Name, l.Organisation, l.Role, contactJSON(l.Contact), l.Start.String(), l.End.String(),
			l.Source, l.User, formatTime(l.Recorded))
	}
	for i := range c.CAFs {
		f := &c.CAFs[i]
		newID(&f.ID)
		stamp(&f.Provenance)
		add(insCAFs, f.ID, nil, f.Undertaken.String(), f.HolderName, f.Organisation, contactJSON(f.Contact),
			f.End.String(), f.Source, f.User, formatTime(f.Recorded))
	}
	for i := range c.Identifiers {
		idf := &c.Identifiers[i]
		v, err := domain.ValidIdentifier(idf.Kind, idf.Value)
		if err != nil {
			return nil, err
		}
		if idf.Source == "" {
			return nil, domain.FieldError("identifiers.source", "is required")
		}
		add(insIdentifiers, nil, string(idf.Kind), idf.Source, db.keys.Hash(string(idf.Kind), v),
			db.keys.Seal(v, identifierAD(idf.Kind, idf.Source)))
		idf.Value = ""
	}
	return rows, nil
}

func (tx *Tx) insertInvolvement(ctx context.Context, childID string, v *domain.Involvement) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO involvements (id, child_id, service, organisation, practitioner_name,
		role, contact, start_date, end_date, source, user_id, recorded_at, basis)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		v.ID, childID, string(v.Service), v.Organisation, v.PractitionerName, v.Role, contactJSON(v.Contact),
		v.Start.String(), v.End.String(), v.Source, v.User, formatTime(v.Recorded), string(v.Basis))
	return err
}

func (tx *Tx) insertLeadProfessional(ctx context.Context, childID string, l *domain.LeadProfessional) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO lead_professionals (id, child_id, name, organisation, role, contact,
		start_date, end_date, source, user_id, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		l.ID, childID, l.Name, l.Organisation, l.Role, contactJSON(l.Contact), l.Start.String(), l.End.String(),
		l.Source, l.User, formatTime(l.Recorded))
	return err
}

func (tx *Tx) insertCAF(ctx context.Context, childID string, f *domain.CAF) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO cafs (id, child_id, undertaken, holder_name, organisation, contact,
		end_date, source, user_id, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		f.ID, childID, f.Undertaken.String(), f.HolderName, f.Organisation, contactJSON(f.Contact),
		f.End.String(), f.Source, f.User, formatTime(f.Recorded))
	return err
}

func identifierAD(kind domain.IdentifierKind, source string) string {
	return "identifier/" + string(kind) + "/" + source
}

// IdentifierHash returns the keyed hash under which an identifier is stored,
// for look-ups by search and matching. The value must be canonical (as the
// domain parsers return it).
func (db *DB) IdentifierHash(kind domain.IdentifierKind, value string) string {
	return db.keys.Hash(string(kind), value)
}

// Child returns the child's whole record. Identifiers come back without
// their values. It returns ENotFound when there is no such child.
func (db *DB) Child(ctx context.Context, id domain.ID) (*domain.Child, error) {
	const op = "store.Child"
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, internal(op, err)
	}
	defer tx.Rollback()
	c, err := tx.child(ctx, id)
	return c, internal(op, err)
}

func (tx *Tx) child(ctx context.Context, id domain.ID) (*domain.Child, error) {
	c := &domain.Child{ID: id}
	var gender, dob, dod, status, intent, created, updated string
	err := tx.queryRowFor(ctx, []string{"children"}, []domain.ID{id}, `SELECT given_names, family_name, gender, date_of_birth, date_of_death,
		address_status, return_intent, la_code, version, created_at, updated_at FROM children WHERE id = $1`, string(id)).
		Scan(&c.GivenNames, &c.FamilyName, &gender, &dob, &dod, &status, &intent, &c.LACode, &c.Version, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.ENotFound, "no child with ContactPoint ID %s", id)
	}
	if err != nil {
		return nil, err
	}
	c.Gender, c.DateOfBirth, c.DateOfDeath = domain.Gender(gender), parseDate(dob), parseDate(dod)
	c.AddressStatus, c.ReturnIntent = domain.AddressStatus(status), domain.ReturnIntent(intent)
	c.CreatedAt, c.UpdatedAt = parseTime(created), parseTime(updated)
	for _, load := range []func(context.Context, *domain.Child) error{
		tx.loadFormerNames, tx.loadAddresses, tx.loadParents, tx.loadEducation, tx.loadHealth,
		tx.loadInvolvements, tx.loadLeadProfessionals, tx.loadCAFs, tx.loadIdentifiers,
	} {
		if err := load(ctx, c); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// scanRows runs a query about one child and calls scan for each row.
// The query reads only table, and in it only the child's rows, so only
// those of the child's rows still queued are written first (flushFor).
func (tx *Tx) scanRows(ctx context.Context, table, query string, childID domain.ID, scan func(*sql.Rows) error) error {
	return tx.scanFor(ctx, []string{table}, []domain.ID{childID}, scan, query, string(childID))
}

func (tx *Tx) loadFormerNames(ctx context.Context, c *domain.Child) error {
	return tx.scanRows(ctx, "former_names", `SELECT name FROM former_names WHERE child_id = $1 ORDER BY position`, c.ID, func(r *sql.Rows) error {
		var n string
		err := r.Scan(&n)
		c.FormerFamilyNames = append(c.FormerFamilyNames, n)
		return err
	})
}

// provenance scans the trailing source, user_id, recorded_at columns.
type provScan struct{ source, user, recorded string }

func (p *provScan) dest() []any { return []any{&p.source, &p.user, &p.recorded} }
func (p *provScan) value() domain.Provenance {
	return domain.Provenance{Source: p.source, User: p.user, Recorded: parseTime(p.recorded)}
}

// period scans start and end date columns.
type period struct{ start, end string }

func (tx *Tx) loadAddresses(ctx context.Context, c *domain.Child) error {
	return tx.scanRows(ctx, "addresses", `SELECT id, line_1, line_2, town, postcode, la_code, from_date, to_date, source, user_id, recorded_at
		FROM addresses WHERE child_id = $1 ORDER BY to_date = '' DESC, to_date DESC, from_date DESC, id`, c.ID, func(r *sql.Rows) error {
		var a domain.ChildAddress
		var p period
		var pv provScan
		if err := r.Scan(append([]any{&a.ID, &a.Line1, &a.Line2, &a.Town, &a.Postcode, &a.LACode, &p.start, &p.end}, pv.dest()...)...); err != nil {
			return err
		}
		a.From, a.To, a.Provenance = parseDate(p.start), parseDate(p.end), pv.value()
		c.Addresses = append(c.Addresses, a)
		return nil
	})
}

func (tx *Tx) loadParents(ctx context.Context, c *domain.Child) error {
	return tx.scanRows(ctx, "parents", `SELECT id, name, relationship, parental_responsibility, contact, source, user_id, recorded_at
		FROM parents WHERE child_id = $1 ORDER BY position, id`, c.ID, func(r *sql.Rows) error {
		var p domain.Parent
		var contact string
		var pv provScan
		if err := r.Scan(append([]any{&p.ID, &p.Name, &p.Relationship, &p.ParentalResponsibility, &contact}, pv.dest()...)...); err != nil {
			return err
		}
		p.Contact, p.Provenance = parseContact(contact), pv.value()
		c.Parents = append(c.Parents, p)
		return nil
	})
}

func (tx *Tx) loadEducation(ctx context.Context, c *domain.Child) error {
	return tx.scanRows(ctx, "education", `SELECT id, name, urn, home_educated, contact, start_date, end_date, source, user_id, recorded_at
		FROM education WHERE child_id = $1 ORDER BY end_date = '' DESC, end_date DESC, start_date DESC, id`, c.ID, func(r *sql.Rows) error {
		var e domain.EducationSetting
		var contact string
		var p period
		var pv provScan
		if err := r.Scan(append([]any{&e.ID, &e.Name, &e.URN, &e.HomeEducated, &contact, &p.start, &p.end}, pv.dest()...)...); err != nil {
			return err
		}
		e.Contact, e.Start, e.End, e.Provenance = parseContact(contact), parseDate(p.start), parseDate(p.end), pv.value()
		c.Education = append(c.Education, e)
		return nil
	})
}

func (tx *Tx) loadHealth(ctx context.Context, c *domain.Child) error {
	return tx.scanRows(ctx, "health", `SELECT id, name, ods_code, contact, start_date, end_date, source, user_id, recorded_at
		FROM health WHERE child_id = $1 ORDER BY end_date = '' DESC, end_date DESC, start_date DESC, id`, c.ID, func(r *sql.Rows) error {
		var h domain.HealthProvider
		var contact string
		var p period
		var pv provScan
		if err := r.Scan(append([]any{&h.ID, &h.Name, &h.ODSCode, &contact, &p.start, &p.end}, pv.dest()...)...); err != nil {
			return err
		}
		h.Contact, h.Start, h.End, h.Provenance = parseContact(contact), parseDate(p.start), parseDate(p.end), pv.value()
		c.Health = append(c.Health, h)
		return nil
	})
}

func (tx *Tx) loadInvolvements(ctx context.Context, c *domain.Child) error {
	return tx.scanRows(ctx, "involvements", `SELECT id, service, organisation, practitioner_name, role, contact, start_date, end_date, basis,
		source, user_id, recorded_at FROM involvements WHERE child_id = $1
		ORDER BY end_date = '' DESC, end_date DESC, start_date DESC, id`, c.ID, func(r *sql.Rows) error {
		var v domain.Involvement
		var service, contact, basis string
		var p period
		var pv provScan
		if err := r.Scan(append([]any{&v.ID, &service, &v.Organisation, &v.PractitionerName, &v.Role, &contact, &p.start, &p.end, &basis}, pv.dest()...)...); err != nil {
			return err
		}
		v.Basis = domain.Basis(basis)
		v.Service, v.Contact, v.Start, v.End, v.Provenance = domain.ServiceType(service), parseContact(contact), parseDate(p.start), parseDate(p.end), pv.value()
		c.Involvements = append(c.Involvements, v)
		return nil
	})
}

func (tx *Tx) loadLeadProfessionals(ctx context.Context, c *domain.Child) error {
	return tx.scanRows(ctx, "lead_professionals", `SELECT id, name, organisation, role, contact, start_date, end_date, source, user_id, recorded_at
		FROM lead_professionals WHERE child_id = $1 ORDER BY end_date = '' DESC, end_date DESC, start_date DESC, id`, c.ID, func(r *sql.Rows) error {
		var l domain.LeadProfessional
		var contact string
		var p period
		var pv provScan
		if err := r.Scan(append([]any{&l.ID, &l.Name, &l.Organisation, &l.Role, &contact, &p.start, &p.end}, pv.dest()...)...); err != nil {
			return err
		}
		l.Contact, l.Start, l.End, l.Provenance = parseContact(contact), parseDate(p.start), parseDate(p.end), pv.value()
		c.LeadProfessionals = append(c.LeadProfessionals, l)
		return nil
	})
}

func (tx *Tx) loadCAFs(ctx context.Context, c *domain.Child) error {
	return tx.scanRows(ctx, "cafs", `SELECT id, undertaken, holder_name, organisation, contact, end_date, source, user_id, recorded_at
		FROM cafs WHERE child_id = $1 ORDER BY end_date = '' DESC, undertaken DESC, id`, c.ID, func(r *sql.Rows) error {
		var f domain.CAF
		var undertaken, contact, end string
		var pv provScan
		if err := r.Scan(append([]any{&f.ID, &undertaken, &f.HolderName, &f.Organisation, &contact, &end}, pv.dest()...)...); err != nil {
			return err
		}
		f.Undertaken, f.Contact, f.End, f.Provenance = parseDate(undertaken), parseContact(contact), parseDate(end), pv.value()
		c.CAFs = append(c.CAFs, f)
		return nil
	})
}

func (tx *Tx) loadIdentifiers(ctx context.Context, c *domain.Child) error {
	return tx.scanRows(ctx, "identifiers", `SELECT kind, source FROM identifiers WHERE child_id = $1 ORDER BY kind, source`, c.ID, func(r *sql.Rows) error {
		var kind, source string
		err := r.Scan(&kind, &source)
		c.Identifiers = append(c.Identifiers, domain.Identifier{Kind: domain.IdentifierKind(kind), Source: source})
		return err
	})
}

// SourceIdentifiers returns, in clear, the identifiers that source supplied
// for the child: the only way an identifier leaves the database.
func (db *DB) SourceIdentifiers(ctx context.Context, id domain.ID, source string) ([]domain.Identifier, error) {
	const op = "store.SourceIdentifiers"
	rows, err := db.read.QueryContext(ctx, `SELECT kind, sealed FROM identifiers WHERE child_id = $1 AND source = $2 ORDER BY kind`, string(id), source)
	if err != nil {
		return nil, internal(op, err)
	}
	defer rows.Close()
	var out []domain.Identifier
	for rows.Next() {
		var kind, sealed string
		if err := rows.Scan(&kind, &sealed); err != nil {
			return nil, internal(op, err)
		}
		v, err := db.keys.Open(sealed, identifierAD(domain.IdentifierKind(kind), source))
		if err != nil {
			return nil, internal(op, err)
		}
		out = append(out, domain.Identifier{Kind: domain.IdentifierKind(kind), Source: source, Value: v})
	}
	return out, internal(op, rows.Err())
}

// ChildrenByIdentifier returns the IDs of children holding the identifier
// (canonical value), from any source.
func (db *DB) ChildrenByIdentifier(ctx context.Context, kind domain.IdentifierKind, value string) ([]domain.ID, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT DISTINCT child_id FROM identifiers WHERE hash = $1 ORDER BY child_id`, db.keys.Hash(string(kind), value))
	if err != nil {
		return nil, internal("store.ChildrenByIdentifier", err)
	}
	defer rows.Close()
	var ids []domain.ID
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, internal("store.ChildrenByIdentifier", err)
		}
		ids = append(ids, domain.ID(id))
	}
	return ids, internal("store.ChildrenByIdentifier", rows.Err())
}

func contactJSON(c domain.Contact) string {
	if c == (domain.Contact{}) {
		return "{}"
	}
	b, _ := json.Marshal(c)
	return string(b)
}

func parseContact(s string) domain.Contact {
	var c domain.Contact
	_ = json.Unmarshal([]byte(s), &c)
	return c
}

func isUniqueViolation(err error) bool {
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "SQLSTATE 23505") || strings.Contains(s, "duplicate key value")
}
