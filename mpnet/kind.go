package mpnet

import (
	"strings"

	"github.com/pkg/errors"
)

// Kind is the message-passing rule of one weight layer (ALGORITHMS §7).
type Kind int

const (
	// BPI is the BP-inspired layer (§7.2): the cavity is taken only in the
	// output function and contracted on the fly. The paper's "BP".
	BPI Kind = iota
	// BP is belief propagation with stored K×N×B cavity messages (§7.1);
	// identical to BPI at τmax = 1.
	BP
	// MF is the mean-field layer (§7.3): no cavity at all.
	MF
	// AMP is approximate message passing with Onsager corrections (§7.4),
	// the reference's "tap" layer.
	AMP
	// ArgMax is the multi-class output layer (§7.5).
	ArgMax
	// CBPI is the BPI layer with continuous (Gaussian-prior) weights (§4.2,
	// §7.6); point-wise predictions use the weight means (cbpi.go).
	CBPI
)

var kindNames = [...]string{"bpi", "bp", "mf", "amp", "argmax", "cbpi"}

// String returns the kind's name as the command line spells it.
func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return "Kind(?)"
	}
	return kindNames[k]
}

// ParseKind returns the kind named s: bp, bpi, mf, amp (also "tap"), cbpi or argmax.
func ParseKind(s string) (Kind, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "tap" {
		return AMP, nil
	}
	for k, name := range kindNames {
		if s == name {
			return Kind(k), nil
		}
	}
	return 0, errors.Errorf("mpnet: unknown layer kind %q (want bp, bpi, mf, amp, cbpi or argmax)", s)
}

// Kinds returns the layer kinds of an L-layer network whose hidden layers are
// all of kind hidden: the last layer is ArgMax when there are more than two
// classes and of kind hidden (one sign unit) otherwise, as in EXPERIMENTS §I.1.
func Kinds(hidden Kind, L, classes int) []Kind {
	ks := make([]Kind, L)
	for l := range ks {
		ks[l] = hidden
	}
	if classes > 2 && L > 0 {
		ks[L-1] = ArgMax
	}
	return ks
}
