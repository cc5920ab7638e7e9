package experiments

// fig1Arch is Figure 1 (left), EXPERIMENTS §I.4: learning curves of a
// network with three hidden layers on Fashion-MNIST, 10 classes.
type fig1Arch struct{ base }

func init() {
	Register(fig1Arch{newBase(Info{Name: "fig1-arch", Title: "Figure 1 (left): learning curves, Fashion-MNIST 10 classes, 3 hidden layers",
		Section: "EXPERIMENTS §I.4",
		Claim:   "The paper plots the curves (0–100 epochs) without numbers in the text: BP, AMP and MF reach BinaryNet's test error (about 12 %, Table 1's Fashion-MNIST 10-class row for 2 hidden layers) in fewer epochs."},
		protocol([]string{"fashion"}, []string{"10class"}, []string{"bpi", "amp", "mf", "binarynet"}, 501, 501, 501))})
}

// plainRho is the ρ of the deeper networks: 1 on the hidden layers, 0.9
// on the last, with ψ = 0.8.
func plainRho(_ string, L int) (rho, psi []float64) { return layers(L, 1, 0.9), []float64{0.8} }

func (fig1Arch) Jobs(p *Params) []Job { return (&grid{p: p, hyper: plainRho}).perTask(nil) }

func (fig1Arch) Report(r *Report) ([]string, error) {
	r.Summary(nil)
	return r.Curves()
}
