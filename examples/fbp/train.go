package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/pkg/errors"
	"gorgonia.org/tensor"

	"github.com/fbpgo/fbp/compare/experiments"
	"github.com/fbpgo/fbp/data"
	"github.com/fbpgo/fbp/internal/memlimit"
	"github.com/fbpgo/fbp/mpnet"
	"github.com/fbpgo/fbp/ops"
	"github.com/fbpgo/fbp/pasp"
	"github.com/fbpgo/fbp/train"
)

// trainOptions are the parsed flags of "fbp train".
type trainOptions struct {
	source, dir string
	task        string // 2class or 10class
	kinds       []mpnet.Kind
	hidden      []int
	cfg         mpnet.Config
	s           *pasp.Settings
	trainEval   int // evaluate the training error on the first trainEval samples (0: all)
	jsonOut     bool
	progress    bool
	save        string
	resume      string
	device      string // cpu or cuda
	maxMem      memlimit.Value
	given       map[string]bool // the flags given on the command line
}

// trainFlags holds the flags of "fbp train" that are converted after
// parsing.
type trainFlags struct {
	layer, hidden, rho, psi, r, focusY, density *string
	batch, epochs, tauMax, float                *int
	rstep, epsInit                              *float64
	focusPrior                                  *bool
	seed                                        *uint64
	set                                         map[string]bool // the flags given
}

// parseTrain parses the flags of "fbp train". Flags that are not given take
// the hyper-parameters of EXPERIMENTS §I.2 for the chosen layer kind and task.
func parseTrain(args []string, stderr io.Writer) (*trainOptions, error) {
	fs := flag.NewFlagSet("fbp train", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o := &trainOptions{}
	f := trainFlagSet(fs, o)
	if err := parseFlags(fs, args); err != nil {
		return nil, err
	}
	f.set = map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { f.set[fl.Name] = true })
	o.given = f.set
	classes := 10
	switch o.task {
	case "10class":
	case "2class":
		classes = 2
	default:
		return nil, errors.Errorf("-task %q: want 2class or 10class", o.task)
	}
	hiddenKind, err := f.network(o, classes)
	if err != nil {
		return nil, err
	}
	if o.s, err = f.settings(o, hiddenKind, classes); err != nil {
		return nil, err
	}
	if o.resume == "" {
		// A first check with the input width of the likely data, to fail
		// before loading them; trainCmd checks again with the real one.
		if err := checkMemory(o, o.cfg, o.s.BatchSize); err != nil {
			return nil, err
		}
	}
	if o.save != "" {
		if err := checkWritable("-save", o.save); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// trainFlagSet defines the flags of "fbp train" on fs.
func trainFlagSet(fs *flag.FlagSet, o *trainOptions) *trainFlags {
	fs.StringVar(&o.source, "data", "embedded", "data: embedded (MNIST subset in the binary), mnist, fashion, cifar10 (CIFAR-10 binary batches, supplied by the user), or a directory of IDX files")
	fs.StringVar(&o.dir, "datadir", "", "directory of fetched data for -data mnist|fashion (default $FBP_DATA or ~/.cache/fbp)")
	fs.StringVar(&o.task, "task", "10class", "2class (even vs odd, one sign output) or 10class (ArgMax output)")
	f := &trainFlags{
		layer:      fs.String("layer", "bpi", "layer kind bp|bpi|mf|amp|cbpi (cbpi: continuous Gaussian weights) for every hidden layer, or one per layer (comma-separated, last may be argmax)"),
		hidden:     fs.String("hidden", "101,101", "hidden layer widths, comma-separated"),
		batch:      fs.Int("batch", 128, "mini-batch size"),
		epochs:     fs.Int("epochs", 8, "epochs (total, counting those of a resumed checkpoint; may change on -resume)"),
		rho:        fs.String("rho", "", "PasP exponent ρ in [0, 2], one value or one per layer (default: 1+1e-4 hidden, 0.9 last)"),
		psi:        fs.String("psi", "", "damping ψ in [0,1), one value or one per layer (default 0.8; 0.81 for amp and for bpi/bp on 10 classes)"),
		r:          fs.String("r", "", "reinforcement r, one value or one per layer (default 0)"),
		rstep:      fs.Float64("rstep", 0, "reinforcement schedule step"),
		focusY:     fs.String("focus-y", "", "focusing y ≥ 1 (0: off), one value or one per layer; bp/bpi/argmax layers only; -r is then the coupling γ, scoped by γ ← γ(1+rstep) (default off)"),
		focusPrior: fs.Bool("focus-prior", false, "focusing: include the prior field Hext in the cavity magnetization m_js"),
		tauMax:     fs.Int("taumax", 1, "message-passing iterations per mini-batch"),
		epsInit:    fs.Float64("eps-init", 1, "std of the random initial fields (symmetry breaking), in [0, 1e6]"),
		density:    fs.String("density", "", "fraction of non-zero weights in (0,1], at least 1/N for a layer of N inputs; one value or one per layer (default 1)"),
		seed:       fs.Uint64("seed", 2, "random seed"),
		float:      fs.Int("float", 32, "float type of the messages: 32 or 64 (float32 runs the CPU kernels about twice as fast and trains to the same errors, results/cpu/float32-vs-64)"),
	}
	fs.IntVar(&o.trainEval, "train-eval", 0, "evaluate the training error on the first N training samples (0: all)")
	fs.BoolVar(&o.jsonOut, "json", false, "print one JSON object per epoch on stdout instead of the table")
	fs.BoolVar(&o.progress, "progress", true, "show the progress of an epoch on stderr: a bar on a terminal, else a line every 5 s")
	fs.StringVar(&o.save, "save", "", "write a checkpoint to this file after every epoch (atomically)")
	fs.StringVar(&o.resume, "resume", "", "continue from this checkpoint: the network and hyper-parameters come from it, and a flag that sets them (-hidden -layer -float -density -batch -seed -rho -psi -r -rstep -focus-y -focus-prior -taumax -eps-init -train-eval) with another value is an error; -epochs, -data, -json, -progress, -save, -device and -max-mem may change")
	o.maxMem = memlimit.Value(memlimit.Default())
	fs.Var(&o.maxMem, "max-mem", "refuse a network whose estimated training memory exceeds this (e.g. 512MiB, 12GiB; 0: no limit; default half the machine's memory, or a quarter of ulimit -v if less)")
	fs.StringVar(&o.device, "device", "cpu", "where the messages live: cpu, or cuda (a binary built with -tags fbpcuda; float32 unless -float is given)")
	return f
}

// network sets the widths, layer kinds, float type, storage and density
// of o.cfg; it returns the kind of the hidden layers.
func (f *trainFlags) network(o *trainOptions, classes int) (mpnet.Kind, error) {
	var err error
	if o.hidden, err = parseInts("-hidden", *f.hidden); err != nil {
		return 0, err
	}
	for _, w := range o.hidden {
		if w < 1 {
			return 0, errors.Errorf("-hidden %q: widths must be ≥ 1", *f.hidden)
		}
	}
	out := classes // one output unit per class, one sign unit for 2 classes
	if classes == 2 {
		out = 1
	}
	n0 := 784 // N_0 is set from the data once loaded
	if o.source == "cifar10" {
		n0 = 3 * 32 * 32
	}
	widths := append(append([]int{n0}, o.hidden...), out)
	hiddenKind, err := f.kinds(o, classes)
	if err != nil {
		return 0, err
	}
	o.cfg = mpnet.Config{Widths: widths, Kinds: o.kinds}
	if err := f.storage(o); err != nil {
		return 0, err
	}
	if o.cfg.Density, err = parseFloats("-density", *f.density); err != nil {
		return 0, err
	}
	if err := o.cfg.Validate(); err != nil {
		if strings.Contains(err.Error(), "Density") {
			return 0, errors.Wrap(err, "-density")
		}
		return 0, errors.Wrap(err, "-hidden/-layer")
	}
	return hiddenKind, nil
}

// kinds sets o.kinds from -layer: one hidden kind for every layer, or one
// kind per layer.
func (f *trainFlags) kinds(o *trainOptions, classes int) (mpnet.Kind, error) {
	L := len(o.hidden) + 1
	names := strings.Split(*f.layer, ",")
	hiddenKind, err := mpnet.ParseKind(names[0])
	if err != nil {
		return 0, errors.Wrap(err, "-layer")
	}
	switch len(names) {
	case 1:
		if hiddenKind == mpnet.ArgMax {
			return 0, errors.New("-layer argmax: ArgMax is only an output layer; name a hidden kind")
		}
		o.kinds = mpnet.Kinds(hiddenKind, L, classes)
	case L:
		for _, n := range names {
			k, err := mpnet.ParseKind(n)
			if err != nil {
				return 0, errors.Wrap(err, "-layer")
			}
			o.kinds = append(o.kinds, k)
		}
	default:
		return 0, errors.Errorf("-layer %q: %d kinds for %d layers (give one, or one per layer)", *f.layer, len(names), L)
	}
	return hiddenKind, nil
}

// storage sets the device storage and the float type of o.cfg.
func (f *trainFlags) storage(o *trainOptions) error {
	switch o.device {
	case "cpu":
	case "cuda":
		o.cfg.DenseStorage = true // masks as dense K×N tensors: the GPU kernels are dense
	default:
		return errors.Errorf("-device %q: want cpu or cuda", o.device)
	}
	switch *f.float {
	case 64:
		o.cfg.Dtype = tensor.Float64
	case 32:
		o.cfg.Dtype = tensor.Float32
	default:
		return errors.Errorf("-float %d: want 32 or 64", *f.float)
	}
	return nil
}

// settings returns the trainer settings: pasp.DefaultSettings with the
// flags given.
func (f *trainFlags) settings(o *trainOptions, hiddenKind mpnet.Kind, classes int) (*pasp.Settings, error) {
	s := pasp.DefaultSettings(hiddenKind, len(o.hidden)+1, classes)
	for _, v := range []struct {
		name string
		val  *string
		dst  *[]float64
	}{{"rho", f.rho, &s.Rho}, {"psi", f.psi, &s.Psi}, {"r", f.r, &s.R}, {"focus-y", f.focusY, &s.FocusY}} {
		if !f.set[v.name] {
			continue
		}
		var err error
		if *v.dst, err = parseFloats("-"+v.name, *v.val); err != nil {
			return nil, err
		}
	}
	if err := checkRho(*f.rho, s.Rho); err != nil {
		return nil, err
	}
	s.RStep, s.FocusPrior = *f.rstep, *f.focusPrior
	s.TauMax, s.EpsInit, s.BatchSize, s.Epochs, s.Seed = *f.tauMax, *f.epsInit, *f.batch, *f.epochs, *f.seed
	s.TrainEval = o.trainEval
	switch {
	case !(*f.epsInit <= maxEpsInit):
		return nil, errors.Errorf("-eps-init %v: want a standard deviation in [0, %g] (fields beyond a few units already saturate tanh)", *f.epsInit, maxEpsInit)
	case *f.batch < 1:
		return nil, errors.Errorf("-batch %d: want a size ≥ 1", *f.batch)
	case *f.epochs < 1:
		return nil, errors.Errorf("-epochs %d: want at least 1", *f.epochs)
	case o.trainEval < 0:
		return nil, errors.Errorf("-train-eval %d: want a count ≥ 0", o.trainEval)
	}
	if err := s.ValidateFor(o.cfg); err != nil {
		return nil, flagError(err)
	}
	return s, nil
}

// settingFlags maps pasp.Settings fields to the flags that set them.
var settingFlags = map[string]string{
	"Rho": "-rho", "Psi": "-psi", "R": "-r", "RStep": "-rstep", "TauMax": "-taumax",
	"EpsInit": "-eps-init", "BatchSize": "-batch", "Epochs": "-epochs", "TrainEval": "-train-eval",
	"FocusY": "-focus-y",
}

// flagError names the flag behind an invalid setting.
func flagError(err error) error {
	var se *pasp.SettingsError
	if errors.As(err, &se) {
		if f, ok := settingFlags[se.Field]; ok {
			return errors.Errorf("%s: %v", f, se.Err)
		}
	}
	return err
}

// parseFlags parses args into fs: errHelp for -h, errUsage for a bad flag
// (fs has printed why), an error for positional arguments.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return errHelp
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		return errors.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

// trainCmd runs "fbp train".
func trainCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseTrain(args, stderr)
	if err != nil {
		return err
	}
	var resumed *pasp.Trainer
	if o.resume != "" {
		if resumed, err = loadCheckpoint(o, stderr); err != nil {
			return err
		}
	}
	train, test, err := loadData(o)
	if err != nil {
		return err
	}
	o.cfg.Widths[0] = train.N
	t, err := newTrainer(o, resumed, train, stderr)
	if t == nil || err != nil {
		return err
	}
	net := t.Network()
	where := "cpu"
	if o.device == "cuda" {
		dev, err := ops.OpenCUDA()
		if err != nil {
			return errors.Wrap(err, "-device cuda")
		}
		defer dev.Close()
		if err := net.To(dev); err != nil {
			return errors.Wrap(err, "-device cuda")
		}
		where = dev.Name()
	}
	cfg := net.Config()
	if !o.jsonOut {
		fmt.Fprintf(stdout, "fbp: %s %s, %d train / %d test samples, widths %v, layers %v, %v on %s, batch %d, seed %d\n",
			train.Name, o.task, train.M, test.M, cfg.Widths, cfg.Kinds, net.Dtype(), where, t.Settings().BatchSize, t.Settings().Seed)
	}
	t.SetRecorder(recorders(o, t, stdout, stderr))
	res, err := t.Fit(ctx, train, test)
	if err != nil {
		return overflowHint(err)
	}
	if dev := net.Device(); dev != nil && !o.jsonOut {
		_, peak := dev.Memory()
		fmt.Fprintf(stdout, "fbp: peak device memory %.1f MiB (training set included)\n", float64(peak)/(1<<20))
	}
	if res.Status.Early() {
		fmt.Fprintf(stderr, "fbp: stopped early: %v after %d epochs\n", res.Status, res.Stats.Epoch)
		if res.Status == pasp.Interrupted {
			return errInterrupted
		}
	}
	return nil
}

// recorders returns the recorders of "fbp train": the epoch table or JSON
// lines on stdout, the progress on stderr (a bar on a terminal, else a line
// every few seconds), and the checkpoints of -save.
func recorders(o *trainOptions, t *pasp.Trainer, stdout, stderr io.Writer) pasp.Recorders {
	var rec pasp.Recorders
	bar := o.progress && isTerminal(stderr)
	if o.jsonOut {
		rec = append(rec, &pasp.JSONRecorder{W: stdout})
	} else {
		rec = append(rec, &pasp.Printer{W: stdout, Bar: stderr, Progress: bar})
	}
	switch {
	case bar && o.jsonOut:
		rec = append(rec, &pasp.Printer{W: io.Discard, Bar: stderr, Progress: true})
	case o.progress && !bar:
		rec = append(rec, &train.ProgressLine{W: stderr})
	}
	if o.save != "" {
		rec = append(rec, saver{t: t, path: o.save})
	}
	return rec
}

// loadCheckpoint loads the checkpoint of -resume, removes (and reports)
// the temporary files of saves to it that were interrupted, and refuses
// flags that ask for other values than the checkpoint's.
func loadCheckpoint(o *trainOptions, stderr io.Writer) (*pasp.Trainer, error) {
	t, err := pasp.LoadFile(o.resume)
	if err != nil {
		return nil, err
	}
	if err := resumeConflicts(o, t); err != nil {
		return nil, err
	}
	removed, err := pasp.RemoveTemps(o.resume)
	for _, p := range removed {
		fmt.Fprintf(stderr, "fbp: removed %s, left by an interrupted save\n", p)
	}
	return t, err
}

// newTrainer returns the trainer of "fbp train": a new one after checking
// the flags against the data, or the resumed one with the epochs left to
// train; nil when the checkpoint has them all.
func newTrainer(o *trainOptions, resumed *pasp.Trainer, train *data.Set, stderr io.Writer) (*pasp.Trainer, error) {
	if resumed == nil {
		if err := checkDensity(joinList(o.cfg.Density), &o.cfg); err != nil {
			return nil, err
		}
		if err := checkBatch(o.s.BatchSize, train, o.source); err != nil {
			return nil, err
		}
		if err := checkMemory(o, o.cfg, o.s.BatchSize); err != nil {
			return nil, err
		}
		return pasp.New(o.cfg, o.s)
	}
	t, done := resumed, resumed.Stats().Epoch
	rc := t.Network().Config()
	if in := rc.Widths[0]; in != train.N {
		return nil, errors.Errorf("checkpoint %s expects %d input features, -data %s has %d", o.resume, in, o.source, train.N)
	}
	if (rc.Widths[len(rc.Widths)-1] == 1) != (o.task == "2class") {
		return nil, errors.Errorf("checkpoint %s holds a %d-output network, which does not fit -task %s", o.resume, rc.Widths[len(rc.Widths)-1], o.task)
	}
	if b := t.Settings().BatchSize; b > train.M {
		return nil, errors.Errorf("-resume %s: the checkpoint's mini-batch of %d is larger than the training set (%d samples of -data %s)", o.resume, b, train.M, o.source)
	}
	if done >= o.s.Epochs {
		fmt.Fprintf(stderr, "fbp: checkpoint %s already has %d epochs (-epochs %d)\n", o.resume, done, o.s.Epochs)
		return nil, nil
	}
	if err := checkMemory(o, rc, t.Settings().BatchSize); err != nil {
		return nil, err
	}
	return t, t.SetEpochs(o.s.Epochs - done)
}

// saver is a recorder that checkpoints after every epoch.
type saver struct {
	t    *pasp.Trainer
	path string
}

func (s saver) Init(*pasp.Stats) error { return nil }
func (s saver) Record(ev pasp.Event, st *pasp.Stats) error {
	if ev != pasp.EpochEnd || st.Epoch == 0 {
		return nil
	}
	return s.t.SaveFile(s.path)
}

// loadData reads, standardises and relabels the data of -data for -task
// (experiments.LoadData).
func loadData(o *trainOptions) (train, test *data.Set, err error) {
	return experiments.LoadData(o.source, o.dir, o.task)
}
