package cometchatcalls

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

const ratioEnv = "COMETCHAT_BENCH_RATIO"

// TestLoginRatio is a timing report, not a test: it never asserts a timing.
// Benchmarks run one after the other, minutes apart on a busy machine, so
// their ratio drifts; this alternates rounds of the same operation through
// the SDK, the raw client and bare resty (rotating the order, so that no
// variant always runs first) and reports the median of the per-pair ratios,
// for time and allocations. Run it with
//
//	COMETCHAT_BENCH_RATIO=1 go test -run '^TestLoginRatio$' -v .
//
// COMETCHAT_BENCH_RATIO may also be "pairs,iterations" (default "11,1500":
// 11 rounds of 1500 operations per variant), e.g. "21,1000".
func TestLoginRatio(t *testing.T) {
	spec := os.Getenv(ratioEnv)
	if spec == "" {
		t.Skip("timing report; set " + ratioEnv + "=1 to run it")
	}
	pairs, iters := 11, 1500
	if strings.Contains(spec, ",") {
		if _, err := fmt.Sscanf(spec, "%d,%d", &pairs, &iters); err != nil || pairs < 5 || iters < 1 {
			t.Fatalf("%s=%q: want pairs,iterations with pairs >= 5", ratioEnv, spec)
		}
	}
	ctx := context.Background()
	for _, kind := range loginKinds {
		srv := newBenchServer(t, kind.tls)
		c := newBenchClient(t, srv, srv)
		rc := newRawClient(t, srv, srv)
		variants := []ratioVariant{
			{name: "sdk", op: func() error { return kind.sdk(ctx, c) }},
			{name: "raw", op: func() error { return kind.raw(ctx, rc) }},
		}
		if kind.resty != nil {
			rs := newRestyClient(t, srv, srv)
			variants = append(variants, ratioVariant{name: "resty", op: func() error { return kind.resty(ctx, rs) }})
		}
		for range 3 { // warm up: connections, handshakes, pools
			for _, v := range variants {
				if _, _, err := measureRound(v.op, iters/10+1); err != nil {
					t.Fatal(err)
				}
			}
		}
		for p := range pairs {
			// Rotate the order so that no variant always runs first.
			for i := range variants {
				v := &variants[(i+p)%len(variants)]
				ns, allocs, err := measureRound(v.op, iters)
				if err != nil {
					t.Fatalf("%s/%s: %v", kind.name, v.name, err)
				}
				v.ns, v.allocs = append(v.ns, ns), append(v.allocs, allocs)
			}
		}
		sdk, raw := variants[0], variants[1]
		line := fmt.Sprintf("%-22s time sdk/raw = %.3f  allocs sdk/raw = %.3f   (µs/op sdk %.1f raw %.1f; allocs/op sdk %.0f raw %.0f)",
			kind.name, medianRatio(sdk.ns, raw.ns), medianRatio(sdk.allocs, raw.allocs),
			median(sdk.ns)/1e3, median(raw.ns)/1e3, median(sdk.allocs), median(raw.allocs))
		if len(variants) > 2 {
			rs := variants[2]
			line += fmt.Sprintf("   resty/raw: time %.3f allocs %.3f (µs/op %.1f; allocs/op %.0f)   sdk/resty: time %.3f allocs %.3f",
				medianRatio(rs.ns, raw.ns), medianRatio(rs.allocs, raw.allocs), median(rs.ns)/1e3, median(rs.allocs),
				medianRatio(sdk.ns, rs.ns), medianRatio(sdk.allocs, rs.allocs))
		}
		t.Logf("%s   [median of %d pairs × %d ops; sdk/raw time ratios %s]", line, pairs, iters, fmtRatios(ratios(sdk.ns, raw.ns)))
	}
}

type ratioVariant struct {
	name       string
	op         func() error
	ns, allocs []float64 // per round
}

// ratios returns a[i]/b[i]: the ratio of each pair of rounds.
func ratios(a, b []float64) []float64 {
	r := make([]float64, len(a))
	for i := range a {
		r[i] = a[i] / b[i]
	}
	return r
}

func medianRatio(a, b []float64) float64 { return median(ratios(a, b)) }

// measureRound runs op n times and returns ns/op and allocs/op (counted
// process-wide, so the in-process server's share is included, as in the
// benchmarks' allocs/op).
func measureRound(op func() error, n int) (nsPerOp, allocsPerOp float64, err error) {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	for range n {
		if err := op(); err != nil {
			return 0, 0, err
		}
	}
	d := time.Since(start)
	runtime.ReadMemStats(&after)
	return float64(d.Nanoseconds()) / float64(n), float64(after.Mallocs-before.Mallocs) / float64(n), nil
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func fmtRatios(xs []float64) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = fmt.Sprintf("%.2f", x)
	}
	return strings.Join(parts, " ")
}
