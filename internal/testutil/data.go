package testutil

import (
	"runtime/metrics"
	"testing"

	"github.com/fbpgo/fbp/data"
)

// Embedded returns the embedded MNIST subset standardised with the training
// set's statistics and, when twoClass is set, reduced to the two-class task
// (data.TwoClass). An error fails tb.
func Embedded(tb testing.TB, twoClass bool) (train, test *data.Set) {
	tb.Helper()
	train, test, err := data.Load("embedded", "")
	if err != nil {
		tb.Fatal(err)
	}
	if train, test, _, err = data.Standardize(train, test); err != nil {
		tb.Fatal(err)
	}
	if twoClass {
		if train, test, err = data.TwoClass(train, test); err != nil {
			tb.Fatal(err)
		}
	}
	return train, test
}

// AllocBytes returns the bytes allocated on the heap by this process so far
// (runtime/metrics "/gc/heap/allocs:bytes"), for tests that bound what a
// call allocates.
func AllocBytes() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}
