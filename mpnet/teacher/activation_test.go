package teacher

import (
	"errors"
	"math"
	"testing"

	"github.com/fbpgo/fbp/internal/testutil"
)

// TestActivations checks Eval against reference values. The tanh values
// come from mpmath at 40 digits: mp.tanh(mpf(z) - mpf('0.1')).
func TestActivations(t *testing.T) {
	cases := []struct {
		name string
		act  Activation
		z    float64
		want float64
		tol  float64
	}{
		{"tanh z=0", Tanh{B: 0.1}, 0, -0.09966799462495581711830508367835218353896, 1e-15},
		{"tanh z=2", Tanh{B: 0.1}, 2, 0.9562374581277390520954974060286530346805, 1e-15},
		{"tanh z=-2", Tanh{B: 0.1}, -2, -0.9704519366134538844989319982662316138641, 1e-15},
		{"tanh z=30", Tanh{B: 0.1}, 30, 1, 1e-15},
		{"tanh z=-30", Tanh{B: 0.1}, -30, -1, 1e-15},
		{"leaky z=2", LeakyReLU{A: 0.1}, 2, 2, 0},
		{"leaky z=-2", LeakyReLU{A: 0.1}, -2, -0.2, 1e-16},
		{"leaky z=0", LeakyReLU{A: 0.1}, 0, 0, 0},
		{"relu z=-3", LeakyReLU{A: 0}, -3, 0, 0},
	}
	for _, c := range cases {
		if got := c.act.Eval(c.z); !testutil.Close(got, c.want, c.tol) {
			t.Errorf("%s: %v.Eval(%v) = %v, want %v", c.name, c.act, c.z, got, c.want)
		}
	}
}

func TestActivationValidate(t *testing.T) {
	bad := []Activation{Tanh{B: math.NaN()}, Tanh{B: math.Inf(1)}, LeakyReLU{A: 1}, LeakyReLU{A: -0.1}, LeakyReLU{A: math.NaN()}}
	for _, a := range bad {
		if a.Validate() == nil {
			t.Errorf("%v.Validate() = nil, want an error", a)
		}
		_, err := New(Config{NIn: 4, NHidden: 4, NOut: 4, Act: a}, nil)
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("New with %v: %v, want ErrInvalid", a, err)
		}
	}
	for _, a := range []Activation{Tanh{}, Tanh{B: -3}, LeakyReLU{}, LeakyReLU{A: 0.99}} {
		if err := a.Validate(); err != nil {
			t.Errorf("%v.Validate() = %v", a, err)
		}
	}
}
