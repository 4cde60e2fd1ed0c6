package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/contactpoint/contactpoint/internal/auth"
	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/search"
	"github.com/contactpoint/contactpoint/internal/secret"
	"github.com/contactpoint/contactpoint/internal/store"
)

// Main is the program, separated from func main so tests can run it whole.
type Main struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	// Now is the clock handed to the store; time.Now by default.
	Now func() time.Time
	// Ready, when set, receives the server's address once it listens.
	Ready chan<- string

	db     *store.DB
	logger *slog.Logger
	search *search.Service // made by searchService, shared by the API and the pages
}

// NewMain returns a Main wired to the process's standard streams and
// environment.
func NewMain() *Main {
	return &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, Now: time.Now}
}

// Close releases what Run opened.
func (m *Main) Close() error {
	if m.db != nil {
		err := m.db.Close()
		m.db = nil
		return err
	}
	return nil
}

// command is one subcommand.
type command struct {
	name    string // "serve", "user add"
	summary string
	run     func(m *Main, ctx context.Context, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "serve the web service and the API", (*Main).serve},
		{"migrate", "create or bring the database schema up to date", (*Main).migrate},
		{"source add", "register a source system (idempotent): --name --kind [--organisation] [--authoritative-for LIST]", (*Main).sourceAdd},
		{"source list", "list the source systems", (*Main).sourceList},
		{"source credential", "issue a source's API key for posting its feed (replaces any); printed once: --name", (*Main).sourceCredential},
		{"source revoke", "withdraw a source's API key: --name", (*Main).sourceRevoke},
		{"import", "import a source's feed: import --source NAME FILE", (*Main).importFeed},
		{"model train", "estimate the import's matching model from the directory and a feed: --source NAME FILE", (*Main).modelTrain},
		{"model show", "show the import's matching model: its weights and how it was trained", (*Main).modelShow},
		{"export links", "export source records and their children as CSV", (*Main).exportLinks},
		{"review list", "list source records held for review", (*Main).reviewList},
		{"review decide", "decide a review item: link, new child or not a match", (*Main).reviewDecide},
		{"gen", "write a synthetic population and its source extracts", (*Main).gen},
		{"demo", "seed synthetic demo data on first run, print how to sign in, and serve", (*Main).demo},
		{"bench search", "measure search quality, latency and throughput on a synthetic directory", (*Main).benchSearch},
		{"user add", "add a vetted user; prints their security token's otpauth:// URI", (*Main).userAdd},
		{"user list", "list users [--la LA_CODE]", (*Main).userList},
		{"user suspend", "suspend a user and end their sessions", (*Main).userSuspend},
		{"user reinstate", "lift a user's suspension", (*Main).userReinstate},
		{"user unlock", "unlock a user locked by failed sign-ins", (*Main).userUnlock},
		{"user reissue-token", "give a user a new security token; prints its URI", (*Main).userReissueToken},
		{"user code", "print a user's current security code (needs the server secret)", (*Main).userCode},
		{"audit verify", "check the audit trail's hash chain", (*Main).auditVerify},
		{"audit show", "show the audit trail of a child (--child) or a user (--user)", (*Main).auditShow},
		{"user grant", "grant a user a permission: --username U --permission child-protection-override", (*Main).userGrant},
		{"user revoke", "withdraw a user's permission", (*Main).userRevoke},
		{"la team set", "set an authority's ContactPoint team: --la --name --phone --email", (*Main).laTeamSet},
		{"la team show", "show an authority's ContactPoint team", (*Main).laTeamShow},
		{"shield set", "shield a child's record: --child --reason --review YYYY-MM-DD", (*Main).shieldSet},
		{"shield lift", "lift a child's shield", (*Main).shieldLift},
		{"shield due", "list an authority's shields due for review: --la", (*Main).shieldDue},
		{"archive", "run the nightly job: archive, purge, monthly reports [--on DATE]", (*Main).archive},
		{"extend", "keep a care leaver's or SEND record to 25 with consent", (*Main).extend},
		{"report cme", "children missing education as CSV: --la [--on DATE]", (*Main).reportCME},
		{"report quality", "an authority's data-quality counts as JSON: --la", (*Main).reportQuality},
		{"subject-access", "everything held about a child and who viewed it, as JSON: --child", (*Main).subjectAccess},
		{"search", "search for a child as a practitioner, as the API does: --username, --given-names --family-name --date-of-birth ...", (*Main).practiceSearch},
		{"record show", "a child's record as a practitioner sees it, as JSON: --username --child --reason", (*Main).recordShow},
		{"record involvement add", "add your involvement with a child: --username --child --service [--role]", (*Main).involvementAdd},
		{"record involvement end", "end an involvement: --username --child --involvement ID [--on DATE]", (*Main).involvementEnd},
		{"record lead set", "appoint a child's lead professional: --username --child --name [--organisation]", (*Main).leadSet},
		{"record caf add", "record a CAF and who holds it: --username --child --holder-name [--organisation]", (*Main).cafAdd},
		{"record contact update", "replace a parent's or setting's contact details: --username --child --kind --item", (*Main).contactUpdate},
	}
}

const usageText = `ContactPoint: the directory of children in England and who is working with them.

Usage: contactpoint COMMAND [flags]

Commands:
%s
Every command takes --db URL (or CONTACTPOINT_DB): sqlite:PATH (the default,
sqlite:contactpoint.db) or postgres://...
Run "contactpoint COMMAND --help" for a command's flags.
`

func (m *Main) usage() string {
	var b strings.Builder
	width := 0
	for _, c := range commands() {
		width = max(width, len(c.name))
	}
	for _, c := range commands() {
		fmt.Fprintf(&b, "  %-*s  %s\n", width, c.name, c.summary)
	}
	return fmt.Sprintf(usageText, b.String())
}

// Run runs the subcommand named by args.
func (m *Main) Run(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "--help" || args[0] == "-h" {
		fmt.Fprint(m.Stdout, m.usage())
		if len(args) == 0 {
			return usageError("no command given")
		}
		return nil
	}
	for _, c := range commands() {
		words := strings.Fields(c.name)
		if len(args) >= len(words) && strings.Join(args[:len(words)], " ") == c.name {
			return c.run(m, ctx, args[len(words):])
		}
	}
	return usageError(fmt.Sprintf("unknown command %q (see contactpoint help)", strings.Join(args[:min(2, len(args))], " ")))
}

// usageError is a mistake in the command line; exit status 2.
type usageError string

func (e usageError) Error() string { return string(e) }

// common holds the flags every command takes.
type common struct {
	db        string
	logFormat string
	logLevel  string
}

func (m *Main) flags(name string, c *common) *flag.FlagSet {
	fs := flag.NewFlagSet("contactpoint "+name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	fs.StringVar(&c.db, "db", m.env("CONTACTPOINT_DB", "sqlite:contactpoint.db"), "database URL: sqlite:PATH or postgres://... (env CONTACTPOINT_DB)")
	fs.StringVar(&c.logFormat, "log-format", m.env("CONTACTPOINT_LOG_FORMAT", "text"), "log format: text or json (env CONTACTPOINT_LOG_FORMAT)")
	fs.StringVar(&c.logLevel, "log-level", m.env("CONTACTPOINT_LOG_LEVEL", "info"), "log level: debug, info, warn or error (env CONTACTPOINT_LOG_LEVEL)")
	return fs
}

func (m *Main) env(key, def string) string {
	if v := m.Getenv(key); v != "" {
		return v
	}
	return def
}

// parse parses flags that may come before, between or after positional
// arguments, and returns the positional ones.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, errHelp
			}
			return nil, usageError(err.Error())
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

var errHelp = errors.New("help requested")

// setup configures logging and opens the database: the part every command
// shares. Configuration is validated as a whole before anything starts.
func (m *Main) setup(ctx context.Context, c *common, migrate bool) error {
	var errs []error
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.logLevel)); err != nil {
		errs = append(errs, fmt.Errorf("--log-level %q: use debug, info, warn or error", c.logLevel))
	}
	opts := &slog.HandlerOptions{Level: level}
	switch c.logFormat {
	case "text":
		m.logger = slog.New(slog.NewTextHandler(m.Stderr, opts))
	case "json":
		m.logger = slog.New(slog.NewJSONHandler(m.Stderr, opts))
	default:
		errs = append(errs, fmt.Errorf("--log-format %q: use text or json", c.logFormat))
	}
	if !strings.HasPrefix(c.db, "sqlite:") && !strings.HasPrefix(c.db, "postgres://") && !strings.HasPrefix(c.db, "postgresql://") {
		errs = append(errs, fmt.Errorf("--db %q: use sqlite:PATH or postgres://...", c.db))
	}
	if err := errors.Join(errs...); err != nil {
		return usageError(strings.ReplaceAll(err.Error(), "\n", "; "))
	}
	raw, created, err := secret.Load(m.Getenv, defaultSecretFile(c.db))
	if err != nil {
		return err
	}
	keys, err := secret.New(raw)
	if err != nil {
		return err
	}
	if created {
		m.logger.Warn("created a new server secret; keep it safe and back it up with the database", "file", defaultSecretFile(c.db))
	}
	m.db, err = store.Open(ctx, c.db, store.Options{Keys: keys, Migrate: migrate, Now: m.Now})
	return err
}

// defaultSecretFile is where the server secret lives when neither
// CONTACTPOINT_SECRET nor CONTACTPOINT_SECRET_FILE is set: beside a SQLite
// file, or in the working directory for PostgreSQL.
func defaultSecretFile(db string) string {
	if p, ok := strings.CutPrefix(db, "sqlite:"); ok {
		return filepath.Clean(p) + ".secret"
	}
	return "contactpoint.secret"
}

// oneLine makes an error fit the contract's one line on stderr.
func oneLine(err error) string {
	s := domain.ErrorMessage(err)
	if domain.ErrorCode(err) == domain.EInternal {
		s = err.Error()
	}
	return strings.Join(strings.Fields(s), " ")
}

func exitCode(err error) int {
	var u usageError
	if errors.As(err, &u) {
		return 2
	}
	return 1
}

func (m *Main) migrate(ctx context.Context, args []string) error {
	var c common
	fs := m.flags("migrate", &c)
	if _, err := parse(fs, args); err != nil {
		return helpOK(err)
	}
	if err := m.setup(ctx, &c, true); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "schema at version %d (%s)\n", store.SchemaVersion(), m.db.Dialect())
	return nil
}

// helpOK turns a --help request into success.
func helpOK(err error) error {
	if errors.Is(err, errHelp) {
		return nil
	}
	return err
}

// sourceAdd registers a source. Adding an existing source with the same
// kind succeeds (the contract's idempotence); --organisation and
// --authoritative-for, when given, then replace what it had (an empty
// --authoritative-for clears it). The kind never changes.
func (m *Main) sourceAdd(ctx context.Context, args []string) error {
	var c common
	fs := m.flags("source add", &c)
	name := fs.String("name", "", "the source's name: lower-case letters, digits, - and _")
	kind := fs.String("kind", "", "health, education, benefits, local-authority, youth-justice or other")
	org := fs.String("organisation", "", "the organisation that runs the source")
	authFor := fs.String("authoritative-for", "", "comma-separated: what the source's values win over other sources' ("+authorityList()+")")
	if pos, err := parse(fs, args); err != nil {
		return helpOK(err)
	} else if len(pos) > 0 {
		return usageError(fmt.Sprintf("source add: unexpected argument %q", pos[0]))
	}
	authorities, err := domain.ParseAuthorities("--authoritative-for", *authFor)
	if err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if err := m.setup(ctx, &c, false); err != nil {
		return err
	}
	s := &domain.Source{Name: *name, Kind: domain.SourceKind(*kind), Organisation: *org, Authoritative: authorities}
	if err := m.db.AddSource(ctx, s); err != nil {
		return err
	}
	var ch store.SourceChange
	if set["organisation"] && s.Organisation != *org {
		ch.Organisation = org
	}
	if set["authoritative-for"] && domain.JoinAuthorities(s.Authoritative) != domain.JoinAuthorities(authorities) {
		ch.Authoritative = &authorities
	}
	if ch.Organisation != nil || ch.Authoritative != nil {
		if s, err = m.db.UpdateSource(auth.Operator(ctx), s.Name, ch); err != nil {
			return err
		}
	}
	fmt.Fprintf(m.Stdout, "source %s (%s)", s.Name, s.Kind)
	if len(s.Authoritative) > 0 {
		fmt.Fprintf(m.Stdout, ", authoritative for %s", domain.JoinAuthorities(s.Authoritative))
	}
	fmt.Fprintln(m.Stdout)
	return nil
}

func authorityList() string {
	s := make([]string, len(domain.Authorities))
	for i, a := range domain.Authorities {
		s[i] = string(a)
	}
	return strings.Join(s, ", ")
}

// sourceList prints each source: name, kind, organisation, what it is
// authoritative for ("-" for nothing) and whether it holds an API key
// (with when it was issued), tab-separated.
func (m *Main) sourceList(ctx context.Context, args []string) error {
	var c common
	fs := m.flags("source list", &c)
	if _, err := parse(fs, args); err != nil {
		return helpOK(err)
	}
	if err := m.setup(ctx, &c, false); err != nil {
		return err
	}
	all, err := m.db.Sources(ctx)
	if err != nil {
		return err
	}
	for _, s := range all {
		af, key := domain.JoinAuthorities(s.Authoritative), "no key"
		if af == "" {
			af = "-"
		}
		if s.HasKey {
			key = "key issued " + s.KeyIssuedAt.UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(m.Stdout, "%s\t%s\t%s\t%s\t%s\n", s.Name, s.Kind, s.Organisation, af, key)
	}
	return nil
}

// sourceCredential issues the source a new API key, replacing any it had,
// and prints it once on a line of its own: only its keyed hash is kept.
func (m *Main) sourceCredential(ctx context.Context, args []string) error {
	var c common
	fs := m.flags("source credential", &c)
	name := fs.String("name", "", "the source's name")
	if pos, err := parse(fs, args); err != nil {
		return helpOK(err)
	} else if len(pos) > 0 {
		return usageError(fmt.Sprintf("source credential: unexpected argument %q", pos[0]))
	}
	if *name == "" {
		return usageError("source credential: --name is required")
	}
	if err := m.setup(ctx, &c, false); err != nil {
		return err
	}
	key, err := m.db.IssueSourceKey(auth.Operator(ctx), *name)
	if err != nil {
		return err
	}
	fmt.Fprintln(m.Stderr, "The key below is shown once: give it to the source's operator over a secure channel. It posts only "+*name+"'s feed (Authorization: Bearer KEY).")
	fmt.Fprintln(m.Stdout, key)
	return nil
}

// sourceRevoke withdraws the source's API key.
func (m *Main) sourceRevoke(ctx context.Context, args []string) error {
	var c common
	fs := m.flags("source revoke", &c)
	name := fs.String("name", "", "the source's name")
	if pos, err := parse(fs, args); err != nil {
		return helpOK(err)
	} else if len(pos) > 0 {
		return usageError(fmt.Sprintf("source revoke: unexpected argument %q", pos[0]))
	}
	if *name == "" {
		return usageError("source revoke: --name is required")
	}
	if err := m.setup(ctx, &c, false); err != nil {
		return err
	}
	if err := m.db.RevokeSourceKey(auth.Operator(ctx), *name); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "source %s: API key revoked\n", *name)
	return nil
}
