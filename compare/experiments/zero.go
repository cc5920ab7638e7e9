package experiments

import (
	"path/filepath"
	"strings"

	"github.com/pkg/errors"
)

// ready returns an error for a Report that Run did not make: nil, or
// without its experiment, parameters or results directory.
func (r *Report) ready() error {
	if r == nil || r.Exp == nil || r.Params == nil || r.Dir == "" {
		return errors.New("experiments: the Report is nil or lacks Exp, Params or Dir (Run makes it)")
	}
	if r.b == nil {
		r.b = &strings.Builder{}
	}
	return nil
}

// checkFileName returns an error unless name is a plain file name inside
// the results directory.
func checkFileName(name string) error {
	if name == "" || !filepath.IsLocal(name) || filepath.Base(name) != name {
		return errors.Errorf("experiments: file name %q: want a plain name inside the results directory", name)
	}
	return nil
}
