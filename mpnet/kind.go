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

// kindInfo registers a layer kind: its names, the constructor of the rule
// that a layer of this kind follows (the rule interface, rule.go), and the
// properties the rest of the module asks about without building a sweep.
type kindInfo struct {
	name  string
	alias string // another name ParseKind accepts; "" for none
	// newRule returns the rule of one layer of this kind in a network
	// configured by cfg.
	newRule func(cfg *Config) rule
	// focusable: the kind's field update may be replaced by the focusing
	// field (ALGORITHMS §10.3).
	focusable bool
	// multiClass: a C-class output rule (labels are class indices), allowed
	// only as the last layer, with C ≥ 2 outputs; every other kind is a sign
	// unit and, last, a one-unit sign output with labels ±1.
	multiClass bool
	// hostOnly says why the kind has no device kernels (Network.To refuses
	// it); "" when it has them.
	hostOnly string
	// psi is the default damping ψ of EXPERIMENTS §I.2 for a network with
	// hidden layers of this kind: on 2 classes, and on more.
	psi [2]float64
}

// registry holds the layer kinds, indexed by Kind. Adding a kind is
// a constant above, a file with its rule and a line here.
var registry = [...]kindInfo{
	BPI:    {name: "bpi", newRule: newBPI, focusable: true, psi: [2]float64{0.8, 0.81}},
	BP:     {name: "bp", newRule: newBP, focusable: true, psi: [2]float64{0.8, 0.81}, hostOnly: "a BP layer (K×N×B cavities), which runs on the CPU only: use BPI, equal to BP at τmax = 1"},
	MF:     {name: "mf", newRule: newMF, psi: [2]float64{0.8, 0.8}},
	AMP:    {name: "amp", alias: "tap", newRule: newAMP, psi: [2]float64{0.81, 0.81}},
	ArgMax: {name: "argmax", newRule: newArgMax, focusable: true, multiClass: true, psi: [2]float64{0.8, 0.8}},
	CBPI:   {name: "cbpi", newRule: newCBPI, psi: [2]float64{0.8, 0.8}},
}

// valid reports whether k is a registered kind.
func (k Kind) valid() bool { return k >= 0 && int(k) < len(registry) }

// info returns the registration of k, which must be valid.
func (k Kind) info() *kindInfo { return &registry[k] }

// String returns the kind's name as the command line spells it.
func (k Kind) String() string {
	if !k.valid() {
		return "Kind(?)"
	}
	return registry[k].name
}

// Focusable reports whether a layer of kind k can be focused (ALGORITHMS
// §10.3): BP, BPI and ArgMax layers can, MF, AMP and CBPI layers cannot.
// Network.SetFocus and pasp's settings check it.
func (k Kind) Focusable() bool { return k.valid() && registry[k].focusable }

// MultiClass reports whether k is a multi-class output rule (ArgMax,
// ALGORITHMS §7.5): allowed only as the last layer of a network with C ≥ 2
// outputs, whose labels are class indices. Such a kind cannot be a hidden
// layer; every other kind can, and as the last layer it is a one-unit sign
// output with labels ±1.
func (k Kind) MultiClass() bool { return k.valid() && registry[k].multiClass }

// DefaultPsi returns the default damping ψ of EXPERIMENTS §I.2 for a
// network whose hidden layers are of kind k, trained on the given number of
// classes: 0.8, except 0.81 for AMP and, on more than two classes, for BPI
// and BP. It returns 0.8 for a kind that is not valid.
func (k Kind) DefaultPsi(classes int) float64 {
	if !k.valid() {
		return 0.8
	}
	if classes > 2 {
		return registry[k].psi[1]
	}
	return registry[k].psi[0]
}

// kindList returns the names of the registered kinds for which keep is
// true (all for nil), as "a, b or c".
func kindList(keep func(*kindInfo) bool) string {
	var names []string
	for i := range registry {
		if keep == nil || keep(&registry[i]) {
			names = append(names, registry[i].name)
		}
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// ParseKind returns the kind named s (any case): bpi, bp, mf, amp (also
// "tap"), argmax or cbpi.
func ParseKind(s string) (Kind, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	for k, ki := range registry {
		if s == ki.name || (ki.alias != "" && s == ki.alias) {
			return Kind(k), nil
		}
	}
	return 0, errors.Errorf("mpnet: unknown layer kind %q (want %s)", s, kindList(nil))
}

// Kinds returns the layer kinds of an L-layer network whose hidden layers are
// all of kind hidden: the last layer is ArgMax when there are more than two
// classes and of kind hidden (one sign unit) otherwise, as in EXPERIMENTS §I.1.
//
// An L below 1 gives nil.
func Kinds(hidden Kind, L, classes int) []Kind {
	if L < 1 {
		return nil
	}
	ks := make([]Kind, L)
	for l := range ks {
		ks[l] = hidden
	}
	if classes > 2 && L > 0 {
		ks[L-1] = ArgMax
	}
	return ks
}
