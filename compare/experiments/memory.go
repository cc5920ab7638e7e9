package experiments

import (
	"fmt"
	"strings"

	"github.com/fbpgo/fbp/data"
	"github.com/fbpgo/fbp/internal/memlimit"
)

// The estimates below are upper bounds rounded up from the peak Go heap of
// one epoch on 784-h-h-10 networks (h = 101 and 401, batch 16 and 128,
// float64): message passing, BinaryNet and SGD stay under 400 bytes per
// weight; BP adds about 34 bytes per weight and mini-batch sample (its
// per-sample messages); EBP stays under 100 bytes per weight.
const (
	bytesPerWeight       = 400
	bytesPerWeightSample = 40 // BP only
	bytesPerWeightEBP    = 100
	bytesBase            = 64 << 20 // the process without a network
	bytesPerEpoch        = 1 << 10  // one epoch's record of a run
)

// Need is the memory that the value of one flag asks for.
type Need struct {
	Flag  string // the flag and its value, as the user gave it: "-hidden 101,101"
	Bytes int64
}

// NetworkBytes estimates the peak memory of training the network of
// algorithm kind (one of compare.Algorithms) with layer widths N_0 … N_L
// and mini-batch size batch: the network, its messages or gradients and
// the optimiser state. The estimate saturates at math.MaxInt64.
func NetworkBytes(kind string, widths []int, batch int) int64 {
	w := int64(0)
	for l := 1; l < len(widths); l++ {
		w = memlimit.Sum(w, memlimit.Product(int64(widths[l-1]), int64(widths[l])))
	}
	per := int64(bytesPerWeight)
	switch {
	case kind == "bp":
		per = memlimit.Sum(per, memlimit.Product(bytesPerWeightSample, int64(max(batch, 1))))
	case strings.HasPrefix(kind, "ebp"):
		per = bytesPerWeightEBP
	}
	return memlimit.Sum(bytesBase, memlimit.Product(w, per))
}

// RecordBytes estimates the memory of the evaluations of runs runs of
// epochs epochs each, kept until the results are written.
func RecordBytes(runs, epochs int) int64 {
	return memlimit.Product(int64(runs), memlimit.Sum(int64(epochs), 1), bytesPerEpoch) // epoch 0 too, without overflow
}

// CheckNeeds returns a *memlimit.Error when the needs together exceed
// limit, naming the flag of the largest; a limit ≤ 0 means no limit.
func CheckNeeds(limit int64, needs ...Need) error {
	total, big := int64(0), Need{}
	for _, n := range needs {
		total = memlimit.Sum(total, n.Bytes)
		if n.Bytes > big.Bytes {
			big = n
		}
	}
	return memlimit.Check(big.Flag, total, limit)
}

// Needs estimates the peak memory of Run(e, p) by the flag responsible:
// the largest network (-hidden), the records of every run (-epochs), the
// data sets loaded (-data), the permuted test sets of continual learning
// (-ntasks) and the local-energy draws (-repeats). A nil e or p needs
// nothing.
func Needs(e Experiment, p *Params) []Need {
	if e == nil || p == nil {
		return nil
	}
	jobs := e.Jobs(p)
	var net, tasks, energy int64
	var big Job
	epochs := 0
	for _, j := range jobs {
		w := append([]int{InputWidth(j.Source)}, j.Widths[1:]...)
		if b := NetworkBytes(j.Kind, w, j.Batch); b > net {
			net, big = b, j
		}
		epochs = max(epochs, j.Epochs*max(j.Tasks, 1))
		tasks = max(tasks, memlimit.Product(int64(j.Tasks), setBytes(j.Source, false)))
		energy = max(energy, memlimit.Product(int64(j.Repeats), int64(len(j.Flips)+1), 8))
	}
	loaded := int64(0)
	for _, src := range p.Data {
		loaded = memlimit.Sum(loaded, memlimit.Product(int64(len(p.Tasks)), setBytes(src, true)))
	}
	return []Need{
		{fmt.Sprintf("-hidden %s (largest run: %s, batch %d)", joinList(p.Hidden), big.Kind, big.Batch), net},
		{fmt.Sprintf("-epochs %d over %d runs (-seeds, -algos)", p.Epochs, len(jobs)), RecordBytes(len(jobs), epochs)},
		{"-data " + joinList(p.Data), loaded},
		{fmt.Sprintf("-ntasks %d", p.NTasks), tasks},
		{fmt.Sprintf("-repeats %d", p.Repeats), energy},
	}
}

// InputWidth is the number of features of a data source: CIFAR-10's or
// MNIST's (every other source is taken to be MNIST-sized).
func InputWidth(source string) int {
	if source == "cifar10" {
		return data.CIFARPixels
	}
	return 784
}

// setBytes estimates the memory of the test set of source, or of its
// training and test sets with a standardised copy when both is set.
func setBytes(source string, both bool) int64 {
	m := int64(10000)
	if both {
		m = 2 * (60000 + 10000)
	}
	return memlimit.Product(m, int64(InputWidth(source)), 8)
}
