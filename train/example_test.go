package train_test

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/fbpgo/fbp/data"
	"github.com/fbpgo/fbp/train"
)

// perceptron is a one-layer network with a sign output, trained by the
// perceptron rule w ← w + y·x on every misclassified sample: the smallest
// train.Model.
type perceptron struct {
	w    []float64
	prog train.Progress
}

func (p *perceptron) Widths() []int             { return []int{len(p.w), 1} }
func (p *perceptron) Progress() *train.Progress { return &p.prog }

func (p *perceptron) predict(x []float64) int {
	var z float64
	for i, w := range p.w {
		z += w * x[i]
	}
	if z > 0 {
		return 1
	}
	return -1
}

func (p *perceptron) TrainBatch(x []float64, y []int) error {
	N := len(p.w)
	for n, label := range y {
		if xn := x[n*N : (n+1)*N]; p.predict(xn) != label {
			for i := range p.w {
				p.w[i] += float64(label) * xn[i]
			}
		}
	}
	p.prog.Stats.Steps++
	return nil
}

func (p *perceptron) Evaluate(x []float64, y []int) (pointwise, bayes float64, err error) {
	wrong := 0
	for n, label := range y {
		if p.predict(x[n*len(p.w):(n+1)*len(p.w)]) != label {
			wrong++
		}
	}
	return 100 * float64(wrong) / float64(len(y)), 0, nil
}

// epochPrinter prints the training error after every epoch.
type epochPrinter struct{}

func (epochPrinter) Init(*train.Stats) error { return nil }
func (epochPrinter) Record(ev train.Event, s *train.Stats) error {
	if ev == train.EpochEnd {
		fmt.Printf("epoch %d: %d mini-batches, training error %.1f%%\n", s.Epoch, s.Steps, s.Eval.TrainError)
	}
	return nil
}

// A perceptron learns a ±1 teacher from 200 samples in mini-batches of 10.
func Example() {
	const N, M, seed = 21, 200, 1
	rng := rand.New(rand.NewPCG(seed, 2))
	teacher, _ := data.RandomTeacher(rng, N)
	set, _ := data.TeacherPatterns(rng, teacher, M)

	p := &perceptron{w: make([]float64, N)}
	p.prog.Order = data.OrderSource(seed)
	res, err := train.Fit(context.Background(), p, set, nil,
		&train.Settings{BatchSize: 10, Epochs: 4, Recorder: epochPrinter{}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Status)
	// Output:
	// epoch 0: 0 mini-batches, training error 51.5%
	// epoch 1: 20 mini-batches, training error 14.0%
	// epoch 2: 40 mini-batches, training error 7.5%
	// epoch 3: 60 mini-batches, training error 8.0%
	// epoch 4: 80 mini-batches, training error 4.5%
	// EpochLimit
}
