package experiments

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/fbpgo/fbp/data"
)

// LoadData reads the data set source (embedded, mnist, fashion, cifar10
// or a directory of IDX files; fetched data under dir), standardises it
// and relabels it for task, "2class" (even against odd digits) or
// "10class" (EXPERIMENTS §I.1). CIFAR-10 (source cifar10, or any set of
// N = 3072 features) is standardised per colour channel, other data with
// one scalar mean and standard deviation.
func LoadData(source, dir, task string) (train, test *data.Set, err error) {
	train, test, err = data.Load(source, dir)
	if err != nil {
		return nil, nil, err
	}
	if source == "cifar10" || train.N == data.CIFARPixels {
		train, test, _, err = data.StandardizeChannels(train, test, data.CIFARChannels)
	} else {
		train, test, _, err = data.Standardize(train, test)
	}
	if err != nil {
		return nil, nil, err
	}
	if task == "2class" {
		if train, test, err = data.TwoClass(train, test); err != nil {
			return nil, nil, err
		}
	}
	return train, test, nil
}

// dataCache loads every data set and task once.
type dataCache struct {
	dir  string
	sets map[string][2]*data.Set // source/task → train, test
	fps  map[string]string       // source/task → fingerprint
}

// fingerprint returns the digest of the data of job j, as trained (the
// training subset, standardised and relabelled): the SHA-256 of the
// fingerprints of its training and test sets (data.Set.Fingerprint).
func (c *dataCache) fingerprint(j *Job) (string, error) {
	key := j.Source + "/" + j.Task
	if fp, ok := c.fps[key]; ok {
		return fp, nil
	}
	train, test, err := c.get(j)
	if err != nil {
		return "", err
	}
	h := sha256.Sum256([]byte(train.Fingerprint() + test.Fingerprint()))
	if c.fps == nil {
		c.fps = map[string]string{}
	}
	c.fps[key] = hex.EncodeToString(h[:])
	return c.fps[key], nil
}

// get returns the training and test sets of a job, cut to its training
// subset.
func (c *dataCache) get(j *Job) (train, test *data.Set, err error) {
	key := j.Source + "/" + j.Task
	if s, ok := c.sets[key]; ok {
		return s[0], s[1], nil
	}
	train, test, err = LoadData(j.Source, c.dir, j.Task)
	if err != nil {
		return nil, nil, err
	}
	if n := j.TrainSubset; n > 0 && n < train.M {
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		if train, err = train.Subset(idx); err != nil {
			return nil, nil, err
		}
	}
	c.sets[key] = [2]*data.Set{train, test}
	return train, test, nil
}
