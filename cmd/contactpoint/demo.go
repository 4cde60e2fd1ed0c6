package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/contactpoint/contactpoint/internal/auth"
	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/gen"
)

// demoLAs are the authorities the demo directory covers.
var demoLAs = []string{"E08000019", "E08000035", "E09000007"} // Sheffield, Leeds, Camden

// demoUser is a demo account and the secrets to sign in with.
type demoUser struct {
	Username  string      `json:"username"`
	Role      domain.Role `json:"role"`
	Password  string      `json:"password"`
	PIN       string      `json:"pin"`
	Enrolment string      `json:"enrolment"`
}

// demo seeds a synthetic directory and demo users on first run, prints how
// to sign in, and serves. It is for trying ContactPoint on a laptop: the
// demo users' secrets are kept in a file beside the database.
func (m *Main) demo(ctx context.Context, args []string) error {
	var c common
	fs := m.flags("demo", &c)
	addr := fs.String("addr", m.env("CONTACTPOINT_ADDR", "127.0.0.1:8080"), "address to listen on, HOST:PORT")
	n := fs.Int("children", 3000, "how many synthetic children to seed on first run")
	noServe := fs.Bool("no-serve", false, "seed and print, but do not serve")
	if pos, err := parse(fs, args); err != nil {
		return helpOK(err)
	} else if len(pos) > 0 {
		return usageError(fmt.Sprintf("demo: unexpected argument %q", pos[0]))
	}
	if _, _, err := net.SplitHostPort(*addr); err != nil {
		return usageError(fmt.Sprintf("--addr %q: use HOST:PORT", *addr))
	}
	if !strings.HasPrefix(c.db, "sqlite:") {
		return usageError("demo runs on a SQLite file only (--db sqlite:PATH): it is not for a real directory")
	}
	if err := m.setup(ctx, &c, true); err != nil {
		return err
	}
	count, err := m.db.CountChildren(ctx)
	if err != nil {
		return err
	}
	if count == 0 {
		start := time.Now()
		if err := m.seed(ctx, *n); err != nil {
			return err
		}
		m.logger.Info("seeded demo directory", "children", *n, "took", time.Since(start).Round(time.Millisecond).String())
	}
	users, err := m.demoUsers(ctx, filepath.Clean(strings.TrimPrefix(c.db, "sqlite:"))+".demo-users.json")
	if err != nil {
		return err
	}
	m.printDemo(users, c.db, *addr)
	if *noServe {
		return nil
	}
	return m.listenAndServe(ctx, *addr, 5*time.Second)
}

// seed loads n synthetic children into the directory in batches.
func (m *Main) seed(ctx context.Context, n int) error {
	for _, s := range gen.Sources {
		if err := m.db.AddSource(ctx, &domain.Source{Name: s.Name, Kind: s.Kind, Organisation: "Synthetic " + s.Name}); err != nil {
			return err
		}
	}
	var batch []*domain.Child
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := m.db.CreateChildren(ctx, batch, map[string]any{"source": "demo seed"})
		batch = batch[:0]
		return err
	}
	err := gen.People(gen.Config{Children: n, Seed: 1, Today: domain.DateOf(m.Now()), Authorities: demoLAs}, func(p *gen.Person) error {
		c := p.Clone().Child
		batch = append(batch, &c)
		if len(batch) == 500 {
			return flush()
		}
		return nil
	})
	if err != nil {
		return err
	}
	return flush()
}

// demoUsers creates the demo users the first time and remembers their
// secrets in file (mode 0600); later runs read them back.
func (m *Main) demoUsers(ctx context.Context, file string) ([]demoUser, error) {
	if b, err := os.ReadFile(file); err == nil {
		var users []demoUser
		if err := json.Unmarshal(b, &users); err != nil {
			return nil, fmt.Errorf("read %s: %w", file, err)
		}
		return users, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	svc := auth.New(m.db, auth.Config{})
	today := domain.DateOf(m.Now())
	var users []demoUser
	for _, d := range []struct {
		username, name string
		role           domain.Role
	}{
		{"demo.practitioner", "Alex Morgan", domain.RolePractitioner},
		{"demo.laadmin", "Sam Okafor", domain.RoleLAAdmin},
		{"demo.datamanager", "Priya Shah", domain.RoleDataManager},
	} {
		du := demoUser{Username: d.username, Role: d.role, Password: passphrase(), PIN: pin()}
		u := &domain.User{Username: d.username, FullName: d.name, Roles: []domain.Role{d.role}, LACode: demoLAs[0],
			Organisation: "Sheffield City Council (demo)", Phone: "0114 496 0100", Email: d.username + "@example.org",
			DBSNumber: "001234567890", DBSIssued: today.AddDays(-60), TrainingCompleted: today.AddDays(-30), AgreementSigned: today.AddDays(-30)}
		uri, err := svc.AddUser(auth.Operator(ctx), u, du.Password, du.PIN)
		if domain.ErrorCode(err) == domain.EConflict {
			return nil, fmt.Errorf("demo user %s exists but %s is missing: remove the demo database to start again", d.username, file)
		}
		if err != nil {
			return nil, err
		}
		du.Enrolment = uri
		users = append(users, du)
	}
	b, _ := json.MarshalIndent(users, "", "  ")
	if err := os.WriteFile(file, b, 0o600); err != nil {
		return nil, err
	}
	return users, nil
}

func (m *Main) printDemo(users []demoUser, db, addr string) {
	w := m.Stdout
	fmt.Fprintf(w, "\nContactPoint demo: synthetic data only.\n\nOpen http://%s/ and sign in with:\n\n", addr)
	for _, u := range users {
		fmt.Fprintf(w, "  %-18s role %-13s password %q  PIN %s\n", u.Username, u.Role, u.Password, u.PIN)
		fmt.Fprintf(w, "  %-18s security token: add this to an authenticator app:\n  %s\n", "", u.Enrolment)
	}
	bin := os.Args[0]
	if strings.HasSuffix(bin, ".test") {
		bin = "bin/contactpoint"
	}
	fmt.Fprintf(w, "\nOr print the current security code with:\n\n  %s user code --db %s --username demo.practitioner\n\n", bin, db)
}

var demoWords = []string{"amber", "beacon", "canal", "dawn", "ember", "falcon", "garden", "harbour", "island", "juniper",
	"kettle", "lantern", "meadow", "nutmeg", "orchard", "pebble", "quarry", "river", "saddle", "thistle", "valley", "willow"}

// passphrase returns four random words: long, memorable, and new each install.
func passphrase() string {
	w := make([]string, 4)
	for i := range w {
		w[i] = demoWords[randInt(len(demoWords))]
	}
	return strings.Join(w, " ")
}

// pin returns a random PIN that the PIN policy accepts.
func pin() string {
	for {
		p := fmt.Sprintf("%06d", randInt(1000000))
		if auth.CheckPIN(p) == nil {
			return p
		}
	}
}

func randInt(n int) int {
	v, err := rand.Int(rand.Reader, big.NewInt(int64(n)))
	if err != nil {
		panic(err)
	}
	return int(v.Int64())
}
