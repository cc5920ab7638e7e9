package testutil

import (
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
