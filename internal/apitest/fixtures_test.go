package apitest

import (
	"bytes"
	"context"
	"io"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/fbpgo/fbp/data"
	"github.com/fbpgo/fbp/internal/testutil"
	"github.com/fbpgo/fbp/mpnet"
	"github.com/fbpgo/fbp/pasp"
)

// Hostile values shared by the cases.
var (
	nan    = math.NaN()
	inf    = math.Inf(1)
	nilCtx context.Context // a nil context
	nilW   io.Writer       // a nil writer
	nilR   io.Reader       // a nil reader
	nilRng *rand.Rand
)

// rng returns a fixed random source.
func rng() *rand.Rand { return rand.New(rand.NewPCG(1, 2)) }

// tinyCfg is a 6-4-1 BPI network.
func tinyCfg() mpnet.Config {
	return mpnet.Config{Widths: []int{6, 4, 1}, Kinds: []mpnet.Kind{mpnet.BPI, mpnet.BPI}}
}

// tinySet is a 2-class set of 8 samples that fits tinyCfg.
func tinySet() *data.Set { return testutil.LinearTeacherSet(8, 6, 2, 1, 2) }

// tinyNet returns an initialised network of tinyCfg.
func tinyNet(t *testing.T) *mpnet.Network {
	t.Helper()
	net, err := mpnet.New(tinyCfg(), rng())
	if err == nil {
		err = net.Init(1, rng())
	}
	if err != nil {
		t.Fatal(err)
	}
	return net
}

// tinyTrainer returns a PasP trainer of tinyCfg with batch 4.
func tinyTrainer(t *testing.T) *pasp.Trainer {
	t.Helper()
	s := pasp.DefaultSettings(mpnet.BPI, 2, 2)
	s.BatchSize = 4
	tr, err := pasp.New(tinyCfg(), s)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// checkpoint returns a valid checkpoint of a tiny trainer.
func checkpoint(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := tinyTrainer(t).Save(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// badSets are data sets that no function should accept.
func badSets() map[string]*data.Set {
	return map[string]*data.Set{
		"nil":      nil,
		"zero":     {},
		"negative": {M: -1, N: -1, Classes: 2},
		"short X":  {X: make([]float64, 3), Y: make([]int, 2), M: 2, N: 2, Classes: 2},
		"NaN":      {X: []float64{nan, 1}, Y: []int{1}, M: 1, N: 2, Classes: 2},
		"label 42": {X: []float64{0, 1}, Y: []int{42}, M: 1, N: 2, Classes: 2},
	}
}

// hostileFormat is a format string with more verbs than arguments.
var hostileFormat = strings.Repeat("%d %v ", 2)
