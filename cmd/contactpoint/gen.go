package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/gen"
)

func (m *Main) gen(ctx context.Context, args []string) error {
	var c common
	fs := m.flags("gen", &c)
	n := fs.Int("children", 0, "how many children to generate (required)")
	seed := fs.Uint64("seed", 1, "random seed: the same seed, number and date give the same files")
	out := fs.String("out", "", "directory to write sources/ and truth.csv into (required)")
	today := fs.String("today", "", "the date ages are reckoned on, YYYY-MM-DD (default: today)")
	las := fs.String("la", "", "comma-separated GSS codes to populate (default: all of England)")
	clean := fs.Bool("clean", false, "write the extracts without noise")
	sources := fs.String("sources", "", "comma-separated sources whose extracts to write (default: all)")
	csvOnly := fs.Bool("csv-only", false, "leave out the NDJSON extracts")
	if pos, err := parse(fs, args); err != nil {
		return helpOK(err)
	} else if len(pos) > 0 {
		return usageError(fmt.Sprintf("gen: unexpected argument %q", pos[0]))
	}
	if *n <= 0 || *n > gen.MaxChildren {
		return usageError(fmt.Sprintf("--children: give a number from 1 to %d", gen.MaxChildren))
	}
	if *out == "" {
		return usageError("--out: name the directory to write into")
	}
	cfg := gen.Config{Children: *n, Seed: *seed, Today: domain.DateOf(m.Now()), Noise: gen.DefaultNoise()}
	if *clean {
		cfg.Noise = gen.NoiseConfig{}
	}
	if *today != "" {
		d, err := domain.ParseDate("today", *today)
		if err != nil {
			return err
		}
		cfg.Today = d
	}
	if *las != "" {
		for _, code := range strings.Split(*las, ",") {
			code = strings.TrimSpace(code)
			if _, ok := domain.LookupLA(code); !ok {
				return domain.FieldError("la", "%q is not the GSS code of an English local authority", code)
			}
			cfg.Authorities = append(cfg.Authorities, code)
		}
	}
	if *sources != "" {
		cfg.Sources = strings.Split(*sources, ",")
	}
	cfg.CSVOnly = *csvOnly
	st, err := gen.Write(ctx, cfg, *out)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "children=%d households=%d truth=%d bytes=%d", st.Children, st.Households, st.TruthRows, st.Bytes)
	for _, s := range gen.Sources {
		fmt.Fprintf(m.Stdout, " %s=%d", s.Name, st.Records[s.Name])
	}
	fmt.Fprintln(m.Stdout)
	return nil
}
