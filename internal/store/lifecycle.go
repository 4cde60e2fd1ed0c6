package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/contactpoint/contactpoint/internal/domain"
)

// life reads what decides the record's stage.
func (tx *Tx) life(ctx context.Context, id domain.ID) (domain.Life, error) {
	var l domain.Life
	var dob, dod, notified, until, basis, consent, archived string
	err := tx.QueryRowContext(ctx, `SELECT date_of_birth, date_of_death, death_notified, extended_until, extension_basis,
		consent_recorded, archived_on FROM children WHERE id = $1`, string(id)).
		Scan(&dob, &dod, &notified, &until, &basis, &consent, &archived)
	if isNoRows(err) {
		return l, domain.Errorf(domain.ENotFound, "no child with ContactPoint ID %s", id)
	}
	if err != nil {
		return l, err
	}
	l.DateOfBirth, l.DateOfDeath, l.DeathNotified = parseDate(dob), parseDate(dod), parseDate(notified)
	l.ExtendedUntil, l.ExtensionBasis, l.ConsentRecorded = parseDate(until), domain.ExtensionBasis(basis), parseDate(consent)
	l.ArchivedOn = parseDate(archived)
	return l, nil
}

// Life returns what decides the child's record's stage. It returns
// ENotFound for an unknown (or purged) child.
func (db *DB) Life(ctx context.Context, id domain.ID) (domain.Life, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return domain.Life{}, internal("store.Life", err)
	}
	defer tx.Rollback()
	l, err := tx.life(ctx, id)
	return l, internal("store.Life", err)
}

// Extend keeps a live record past the archive age, to x.Until, on the
// basis and consent given (policy p). It returns EInvalid for a bad
// extension and EConflict for an archived record.
func (db *DB) Extend(ctx context.Context, id domain.ID, x domain.Extension, p domain.Policy, e *domain.AuditEntry) error {
	return db.changeChild(ctx, "store.Extend", id, e, func(tx *Tx, c *domain.Child) error {
		l, err := tx.life(ctx, id)
		if err != nil {
			return err
		}
		if !l.ArchivedOn.IsZero() {
			return domain.Errorf(domain.EConflict, "the record was archived on %s and cannot be extended", l.ArchivedOn)
		}
		if err := p.ValidateExtension(x, l.DateOfBirth, tx.today()); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE children SET extended_until = $1, extension_basis = $2, consent_recorded = $3 WHERE id = $4`,
			x.Until.String(), string(x.Basis), x.ConsentRecorded.String(), string(id))
		e.Action = domain.ActionExtend
		e.Detail = mergeDetail(e.Detail, map[string]any{"until": x.Until.String(), "basis": string(x.Basis), "consent_recorded": x.ConsentRecorded.String()})
		return err
	})
}

// RecordDeath records the child's date of death, notified today: the
// record stays live for the policy's DeathYears, then archives.
func (db *DB) RecordDeath(ctx context.Context, id domain.ID, dod domain.Date, e *domain.AuditEntry) error {
	return db.changeChild(ctx, "store.RecordDeath", id, e, func(tx *Tx, c *domain.Child) error {
		if dod.IsZero() || dod.Before(c.DateOfBirth) || dod.After(tx.today()) {
			return domain.FieldError("date_of_death", "%s must fall between the date of birth and today", dod)
		}
		_, err := tx.ExecContext(ctx, `UPDATE children SET date_of_death = $1,
			death_notified = CASE WHEN death_notified = '' THEN $2 ELSE death_notified END WHERE id = $3`,
			dod.String(), tx.today().String(), string(id))
		e.Action = domain.ActionDeath
		return err
	})
}

// ChangeAddress records that the child lives at addr from addr.From (today
// when zero): current addresses end the day before, the search index is
// rewritten and responsibility follows the new address's authority (see
// UpdateResponsibility). A nil addr records that the child's address is no
// longer known: current addresses end today, and the child stays with the
// last authority. It reports whether responsibility moved.
func (db *DB) ChangeAddress(ctx context.Context, id domain.ID, addr *domain.ChildAddress, e *domain.AuditEntry) (moved bool, err error) {
	e.Action = domain.ActionMove
	err = db.changeChild(ctx, "store.ChangeAddress", id, e, func(tx *Tx, c *domain.Child) error {
		from := tx.today()
		if addr != nil {
			if !addr.From.IsZero() {
				from = addr.From
			}
			addr.From, addr.To = from, domain.Date{}
			if err := domain.ValidAddress("address", addr.Address); err != nil {
				return err
			}
			if addr.Postcode != "" {
				addr.Postcode, _ = domain.ParsePostcode("address.postcode", addr.Postcode)
			}
			if _, ok := domain.LookupLA(addr.LACode); addr.LACode != "" && !ok {
				return domain.FieldError("address.la_code", "%q is not the GSS code of an English local authority", addr.LACode)
			}
		}
		for _, a := range c.Addresses {
			if !a.To.IsZero() {
				continue
			}
			end := from
			if addr != nil {
				end = from.AddDays(-1)
			}
			if end.Before(a.From) {
				end = a.From
			}
			if _, err := tx.ExecContext(ctx, `UPDATE addresses SET to_date = $1 WHERE id = $2`, end.String(), a.ID); err != nil {
				return err
			}
		}
		status := domain.AddressCurrent
		if addr != nil {
			addr.ID, addr.Recorded = newItemID(), tx.now
			if addr.Source == "" {
				addr.Source = "contactpoint"
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO addresses (id, child_id, line_1, line_2, town, postcode, la_code,
				from_date, to_date, source, user_id, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '', $9, $10, $11)`,
				addr.ID, string(id), addr.Line1, addr.Line2, addr.Town, addr.Postcode, addr.LACode, from.String(),
				addr.Source, addr.User, formatTime(tx.now)); err != nil {
				return err
			}
		} else if len(c.Addresses) > 0 {
			status = domain.AddressLastKnown
		} else {
			status = domain.AddressNone
		}
		if _, err := tx.ExecContext(ctx, `UPDATE children SET address_status = $1, return_intent = '' WHERE id = $2`, string(status), string(id)); err != nil {
			return err
		}
		if err := tx.reindex(ctx, id); err != nil {
			return err
		}
		var err error
		moved, err = tx.updateResponsibility(ctx, id)
		return err
	})
	return moved, err
}

// UpdateResponsibility recomputes which authority is responsible for the
// child from its current addresses, in a transaction of its own; see
// updateResponsibility.
func (db *DB) UpdateResponsibility(ctx context.Context, id domain.ID) (moved bool, err error) {
	const op = "store.UpdateResponsibility"
	tx, err := db.begin(ctx)
	if err != nil {
		return false, internal(op, err)
	}
	defer tx.Rollback()
	if moved, err = tx.updateResponsibility(ctx, id); err != nil {
		return false, internal(op, err)
	}
	return moved, internal(op, tx.Commit())
}

// updateResponsibility makes the authority of the child's current address
// responsible for the child. A move writes a transfer (the history is
// kept), a notification to each authority and an audit entry, and carries
// any shield to the new authority. A child with no current address naming
// an authority, or with a current address in the responsible authority,
// stays where it is. It reports whether responsibility moved. Importers
// call it after changing a child's addresses, instead of setting la_code.
func (tx *Tx) updateResponsibility(ctx context.Context, id domain.ID) (bool, error) {
	var cur string
	var las []string
	if k := tx.known[id]; k != nil && k.la != "" && k.hasAddrs {
		cur, las = k.la, k.currentLAs() // kept in step by the import path
	} else {
		err := tx.queryRowFor(ctx, []string{"children"}, []domain.ID{id}, `SELECT la_code FROM children WHERE id = $1`, string(id)).Scan(&cur)
		if isNoRows(err) {
			return false, domain.Errorf(domain.ENotFound, "no child with ContactPoint ID %s", id)
		}
		if err != nil {
			return false, err
		}
		err = tx.scanFor(ctx, []string{"addresses"}, []domain.ID{id}, func(r *sql.Rows) error {
			var la string
			err := r.Scan(&la)
			las = append(las, la)
			return err
		}, `SELECT la_code FROM addresses WHERE child_id = $1 AND to_date = '' AND la_code <> ''
			ORDER BY from_date DESC, recorded_at DESC, id`, string(id))
		if err != nil {
			return false, err
		}
	}
	if len(las) == 0 {
		return false, nil
	}
	for _, la := range las {
		if la == cur {
			return false, nil
		}
	}
	to := las[0]
	if _, err := tx.ExecContext(ctx, `UPDATE children SET la_code = $1 WHERE id = $2`, to, string(id)); err != nil {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE shields SET la_code = $1 WHERE child_id = $2`, to, string(id)); err != nil {
		return false, err
	}
	if err := tx.setMatchLA(ctx, id, to); err != nil {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO transfers (id, child_id, from_la, to_la, at) VALUES ($1, $2, $3, $4, $5)`,
		newItemID(), string(id), cur, to, formatTime(tx.now)); err != nil {
		return false, err
	}
	for _, n := range []struct{ la, kind, detail string }{
		{cur, domain.NotifyTransferOut, fmt.Sprintf("responsibility moved to %s", laName(to))},
		{to, domain.NotifyTransferIn, fmt.Sprintf("responsibility moved from %s", laName(cur))},
	} {
		if _, err := tx.ExecContext(ctx, `INSERT INTO notifications (id, la_code, kind, child_id, detail, at) VALUES ($1, $2, $3, $4, $5, $6)`,
			newItemID(), n.la, n.kind, string(id), n.detail, formatTime(tx.now)); err != nil {
			return false, err
		}
	}
	err := tx.audit(ctx, &domain.AuditEntry{UserID: SystemID, Action: domain.ActionTransfer, ChildID: string(id),
		Detail: map[string]any{"from_la": cur, "to_la": to}})
	return err == nil, err
}

// currentLAs is the authorities of the child's known current addresses,
// in updateResponsibility's order: latest from date, then latest
// recorded, then address ID.
func (k *knownChild) currentLAs() []string {
	as := slices.Clone(k.addrs)
	slices.SortStableFunc(as, func(a, b currentAddress) int {
		if c := strings.Compare(b.from, a.from); c != 0 {
			return c
		}
		if c := strings.Compare(b.recorded, a.recorded); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.la
	}
	return out
}

func laName(code string) string {
	if la, ok := domain.LookupLA(code); ok {
		return la.Name + " (" + code + ")"
	}
	return code
}

// setMatchLA keeps the stored match data's authority in step.
func (tx *Tx) setMatchLA(ctx context.Context, id domain.ID, la string) error {
	var data string
	err := tx.QueryRowContext(ctx, `SELECT data FROM child_match WHERE child_id = $1`, string(id)).Scan(&data)
	if isNoRows(err) {
		return nil
	}
	if err != nil {
		return err
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(data), &m); err != nil {
		return err
	}
	m["la"] = la
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE child_match SET data = $1 WHERE child_id = $2`, string(b), string(id))
	return err
}

// column runs a query returning one text column.
func (tx *Tx) column(ctx context.Context, q string, args ...any) ([]string, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Transfers returns the child's moves between authorities, oldest first.
func (db *DB) Transfers(ctx context.Context, id domain.ID) ([]domain.Transfer, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, internal("store.Transfers", err)
	}
	defer tx.Rollback()
	ts, err := tx.transfers(ctx, id)
	return ts, internal("store.Transfers", err)
}

func (tx *Tx) transfers(ctx context.Context, id domain.ID) ([]domain.Transfer, error) {
	rows, err := tx.QueryContext(ctx, `SELECT from_la, to_la, at FROM transfers WHERE child_id = $1 ORDER BY at, id`, string(id))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []domain.Transfer
	for rows.Next() {
		t := domain.Transfer{ChildID: id}
		var at string
		if err := rows.Scan(&t.FromLA, &t.ToLA, &at); err != nil {
			return nil, err
		}
		t.At = parseTime(at)
		out = append(out, t)
	}
	return out, rows.Err()
}

// Notifications returns the authority's notifications, newest first; only
// unseen ones when unseen is set.
func (db *DB) Notifications(ctx context.Context, la string, unseen bool) ([]domain.Notification, error) {
	const op = "store.Notifications"
	q := `SELECT id, la_code, kind, child_id, detail, at, seen FROM notifications WHERE la_code = $1`
	if unseen {
		q += ` AND NOT seen`
	}
	rows, err := db.read.QueryContext(ctx, q+` ORDER BY at DESC, id`, la)
	if err != nil {
		return nil, internal(op, err)
	}
	defer rows.Close()
	var out []domain.Notification
	for rows.Next() {
		var n domain.Notification
		var child, at string
		if err := rows.Scan(&n.ID, &n.LACode, &n.Kind, &child, &n.Detail, &at, &n.Seen); err != nil {
			return nil, internal(op, err)
		}
		n.ChildID, n.At = domain.ID(child), parseTime(at)
		out = append(out, n)
	}
	return out, internal(op, rows.Err())
}

// LifeRun counts what a run of the nightly job did.
type LifeRun struct {
	On          domain.Date `json:"on"`
	DeathsNoted int         `json:"deaths_noted"`
	Archived    int         `json:"archived"`
	Purged      int         `json:"purged"`
	Reports     int         `json:"reports"`
}

// RunLife is the record's-life part of the nightly job for the date on,
// under policy p: it notes newly recorded deaths, archives the records
// that are due (gone from search and view) and purges archived records
// past the purge period (every item, key and source link; the audit trail
// stays). Each record is archived or purged in a transaction of its own,
// with its audit entry. Running it twice for the same date does nothing
// the second time.
func (db *DB) RunLife(ctx context.Context, p domain.Policy, on domain.Date) (LifeRun, error) {
	const op = "store.RunLife"
	p = p.OrDefault()
	run := LifeRun{On: on}
	// Deaths: the first night a death is seen is its notification.
	tx, err := db.begin(ctx)
	if err != nil {
		return run, internal(op, err)
	}
	defer tx.Rollback()
	dead, err := tx.column(ctx, `SELECT id FROM children WHERE date_of_death <> '' AND death_notified = '' AND archived_on = '' ORDER BY id`)
	if err != nil {
		return run, internal(op, err)
	}
	if len(dead) > 0 {
		if _, err := tx.ExecContext(ctx, `UPDATE children SET death_notified = $1 WHERE date_of_death <> '' AND death_notified = '' AND archived_on = ''`, on.String()); err != nil {
			return run, internal(op, err)
		}
		if err := tx.audit(ctx, &domain.AuditEntry{UserID: SystemID, Action: domain.ActionDeath, Detail: map[string]any{"children": dead, "on": on.String()}}); err != nil {
			return run, internal(op, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return run, internal(op, err)
	}
	run.DeathsNoted = len(dead)

	// Archive: children past the archive age (some of them extended), and
	// the dead.
	cut := on.AddYears(-p.ArchiveAge)
	due, err := db.readColumn(ctx, `SELECT id FROM children WHERE archived_on = '' AND merged_into = ''
		AND (date_of_birth <= $1 OR death_notified <> '') ORDER BY id`, cut.String())
	if err != nil {
		return run, internal(op, err)
	}
	for _, id := range due {
		ok, err := db.archive(ctx, domain.ID(id), p, on)
		if err != nil {
			return run, internal(op, fmt.Errorf("archive %s: %w", id, err))
		}
		if ok {
			run.Archived++
		}
	}

	// Purge.
	old, err := db.readColumn(ctx, `SELECT id FROM children WHERE archived_on <> '' AND archived_on <= $1 AND merged_into = '' ORDER BY id`,
		on.AddYears(-p.PurgeYears).String())
	if err != nil {
		return run, internal(op, err)
	}
	for _, id := range old {
		if err := db.purge(ctx, domain.ID(id), on); err != nil {
			return run, internal(op, fmt.Errorf("purge %s: %w", id, err))
		}
		run.Purged++
	}
	return run, nil
}

func (db *DB) readColumn(ctx context.Context, q string, args ...any) ([]string, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return tx.column(ctx, q, args...)
}

// archive archives the child when the policy says it is due on the date
// on, removing it from the search index.
func (db *DB) archive(ctx context.Context, id domain.ID, p domain.Policy, on domain.Date) (bool, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	l, err := tx.life(ctx, id)
	if err != nil {
		return false, err
	}
	if !p.ArchiveDue(l, on) {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE children SET archived_on = $1, version = version + 1, updated_at = $2 WHERE id = $3`,
		on.String(), formatTime(tx.now), string(id)); err != nil {
		return false, err
	}
	// child_keys has no index by child: deleteIndex finds the keys from
	// the stored match data. Search also skips archived children, so a key
	// left behind is never a result.
	if err := tx.deleteIndex(ctx, id); err != nil {
		return false, err
	}
	why := "age"
	switch {
	case !l.DeathNotified.IsZero():
		why = "death"
	case !l.ExtendedUntil.IsZero():
		why = "extension-ended"
	}
	if err := tx.audit(ctx, &domain.AuditEntry{UserID: SystemID, Action: domain.ActionArchive, ChildID: string(id),
		Detail: map[string]any{"on": on.String(), "why": why}}); err != nil {
		return false, err
	}
	return true, tx.Commit()
}

// purge deletes the child's record with every item, key and source link,
// and any child merged into it. The audit trail keeps its entries.
func (db *DB) purge(ctx context.Context, id domain.ID, on domain.Date) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	merged, err := tx.column(ctx, `SELECT id FROM children WHERE merged_into = $1`, string(id))
	if err != nil {
		return err
	}
	for _, c := range append(merged, string(id)) {
		if err := tx.deleteIndex(ctx, domain.ID(c)); err != nil {
			return err
		}
		for _, q := range []string{
			`DELETE FROM source_records WHERE child_id = $1`,
			`DELETE FROM review_items WHERE child_id = $1`,
			`DELETE FROM match_decisions WHERE child_id = $1`,
			`DELETE FROM merges WHERE kept_id = $1 OR merged_id = $1`,
			`DELETE FROM session_reasons WHERE child_id = $1`,
			`DELETE FROM transfers WHERE child_id = $1`,
			`DELETE FROM notifications WHERE child_id = $1`,
			`DELETE FROM alerts WHERE child_id = $1`,
			`DELETE FROM children WHERE id = $1`, // items, identifiers, shield: ON DELETE CASCADE
		} {
			if _, err := tx.ExecContext(ctx, q, c); err != nil {
				return err
			}
		}
	}
	d := map[string]any{"on": on.String()}
	if len(merged) > 0 {
		d["merged"] = merged
	}
	if err := tx.audit(ctx, &domain.AuditEntry{UserID: SystemID, Action: domain.ActionPurge, ChildID: string(id), Detail: d}); err != nil {
		return err
	}
	return tx.Commit()
}
