package apitest

import (
	"io"
	"math"
	"os"

	"github.com/fbpgo/fbp/data"
	"github.com/fbpgo/fbp/mpnet"
	"github.com/fbpgo/fbp/pasp"
	"github.com/fbpgo/fbp/train"
)

// The cases of the memory estimate, checkpoint temporaries, fetch progress
// and the progress line.
func init() {
	trainCases = append(trainCases, apiCase{
		names: []string{"train.(*ProgressLine).Init", "train.(*ProgressLine).Record"},
		run: func(c *checker) {
			recorderCase(c, "train.(*ProgressLine)", &train.ProgressLine{}, "zero value")
			recorderCase(c, "train.(*ProgressLine)", &train.ProgressLine{W: io.Discard, Every: -1}, "negative Every")
		},
	})
	mpnetCases = append(mpnetCases, apiCase{
		names: []string{"mpnet.(*Config).MemoryBytes"},
		run: func(c *checker) {
			name := "mpnet.(*Config).MemoryBytes"
			c.ok(name, "nil Config", func() string { return ifNot((*mpnet.Config)(nil).MemoryBytes(8) == 0, "not 0") })
			c.ok(name, "zero Config", func() string { return ifNot((&mpnet.Config{}).MemoryBytes(-5) == 0, "not 0") })
			c.ok(name, "more kinds than layers, negative widths", func() string {
				cfg := &mpnet.Config{Widths: []int{-3, 4}, Kinds: []mpnet.Kind{mpnet.BP, mpnet.BPI, 99}}
				return ifNot(cfg.MemoryBytes(math.MinInt) >= 0, "negative")
			})
			c.ok(name, "huge widths and batch", func() string {
				cfg := &mpnet.Config{Widths: []int{1 << 24, 1 << 24, 1}, Kinds: []mpnet.Kind{mpnet.BP, mpnet.BP}}
				return ifNot(cfg.MemoryBytes(math.MaxInt) == math.MaxInt64, "not saturated")
			})
		},
	})
	paspCases = append(paspCases, apiCase{
		names: []string{"pasp.RemoveTemps"},
		run: func(c *checker) {
			for _, p := range []string{"", ".", "..", "/", "/nonexistent/dir/x.ckpt"} {
				c.err("pasp.RemoveTemps", "path "+p, func() error { _, err := pasp.RemoveTemps(p); return err })
			}
		},
	})
	dataCases = append(dataCases, apiCase{
		names: []string{"data.FetchProgress", "data.(*progressReader).Read"},
		run: func(c *checker) {
			dir, err := os.MkdirTemp("", "apitest-fetch")
			if err != nil {
				c.t.Fatal(err)
			}
			defer os.RemoveAll(dir)
			for _, which := range [][]string{{"cifar"}, {""}, {"mnist/../x"}} {
				c.err("data.FetchProgress", "unknown data set, nil writer", func() error { return data.FetchProgress(dir, nil, which...) })
			}
			c.unreachable("data.(*progressReader).Read", "the reader of a download or a compression in progress, never handed out")
		},
	})
}
