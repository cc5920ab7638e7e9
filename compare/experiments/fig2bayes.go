package experiments

// fig2Bayes is Figure 2, EXPERIMENTS §I.6: point-wise against Bayesian
// predictions on MNIST, 2 classes, with EBP and continuous weights.
type fig2Bayes struct{ base }

func init() {
	Register(fig2Bayes{newBase(Info{Name: "fig2-bayes", Title: "Figure 2: point-wise vs Bayesian predictions, MNIST 2 classes",
		Section: "EXPERIMENTS §I.6",
		Claim:   "Claim: the Bayesian predictions of the message-passing marginals generalise better than the point-wise ones (no numbers in the text)."},
		protocol([]string{"mnist"}, []string{"2class"}, []string{"binarynet", "bpi", "ebp", "sgd", "ebp-gauss", "cbpi"}, 101, 101))})
}

// bayesRho is the ρ of the plotting notebook: 0.9999 on the first layer,
// 0.999 on the other hidden layers and 0.9 on the last; cbpi keeps ρ = 1.
func bayesRho(kind string, L int) (rho, psi []float64) {
	if kind == "cbpi" {
		return plainRho(kind, L)
	}
	rho = layers(L, 0.999, 0.9)
	if L > 1 {
		rho[0] = 0.9999
	}
	return rho, []float64{0.8}
}

func (fig2Bayes) Jobs(p *Params) []Job { return (&grid{p: p, hyper: bayesRho}).perTask(nil) }

func (fig2Bayes) Report(r *Report) ([]string, error) {
	r.Summary(nil)
	return r.Curves()
}
