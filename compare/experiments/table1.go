package experiments

// table1 is Table 1 of the paper (EXPERIMENTS §I.3): the test error of
// BinaryNet and of message passing with two hidden layers of 501 units on
// MNIST and Fashion-MNIST, 2 and 10 classes.
type table1 struct{ base }

func init() {
	Register(table1{newBase(Info{Name: "table1", Title: "Table 1: test error across data sets",
		Section: "EXPERIMENTS §I.3"},
		protocol([]string{"mnist", "fashion"}, []string{"2class", "10class"}, []string{"binarynet", "bpi", "amp", "mf"}, 501, 501))})
}

// paperTable1 holds Table 1 of the paper: mean ± std test error (%) over
// 5 runs, "?" a digit lost in the extraction.
var paperTable1 = map[string]map[string]string{
	"mnist 2class":   {"binarynet": "1.3 ± 0.1", "bpi": "1.4 ± 0.2", "amp": "1.4 ± 0.1", "mf": "1.3 ± 0.?"},
	"fashion 2class": {"binarynet": "2.4 ± 0.1", "bpi": "2.3 ± 0.1", "amp": "2.4 ± 0.1", "mf": "2.3 ± 0.?"},
	"mnist 10class":  {"binarynet": "2.2 ± 0.1", "bpi": "2.6 ± 0.1", "amp": "2.6 ± 0.1", "mf": "2.3 ± 0.?"},
	"fashion 10class": {"binarynet": "12.0 ± 0.6", "bpi": "11.8 ± 0.3", "amp": "11.9 ± 0.2",
		"mf": "12.1 ± 0.?"},
}

// Jobs: every data set, task, algorithm and seed, with the
// hyper-parameters of pasp.DefaultSettings.
func (table1) Jobs(p *Params) []Job { return (&grid{p: p}).perTask(nil) }

func (table1) Report(r *Report) ([]string, error) {
	r.Summary(func(group, kind string) string { return paperTable1[group][kind] })
	return r.Curves()
}
