package apitest

import (
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// moduleRoot is the repository root, two levels above this package.
const moduleRoot = "../.."

// modulePath is the import path of the module.
const modulePath = "github.com/fbpgo/fbp"

// exportedAPI lists every exported function and every exported method of
// every importable package of the module: packages that are neither main,
// nor internal, nor under a testdata directory. A method is listed whether
// its receiver type is exported or not, since a value of an unexported type
// reaches users through an interface (a gorgonia.Op, a tensor.Memory).
// Only the files of the default build are read (no build tags), so the
// CUDA halves are left to the fbpcuda build. Names read "pkg.Func",
// "pkg.T.Method" or "pkg.(*T).Method", pkg being the import path below the
// module.
func exportedAPI(t *testing.T) []string {
	t.Helper()
	names, err := listAPI()
	if err != nil {
		t.Fatalf("listing the exported API: %v", err)
	}
	return names
}

// listAPI is exportedAPI without a test.
func listAPI() ([]string, error) {
	var names []string
	err := filepath.WalkDir(moduleRoot, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		base := d.Name()
		if path != moduleRoot && (base == "internal" || base == "testdata" ||
			strings.HasPrefix(base, ".") || strings.HasPrefix(base, "_")) {
			return filepath.SkipDir
		}
		pkg, err := build.Default.ImportDir(path, 0)
		if err != nil {
			if _, ok := err.(*build.NoGoError); ok {
				return nil
			}
			return err
		}
		if pkg.Name == "main" {
			return nil
		}
		rel, err := filepath.Rel(moduleRoot, path)
		if err != nil {
			return err
		}
		got, err := exportedIn(path, filepath.ToSlash(rel), pkg.GoFiles)
		names = append(names, got...)
		return err
	})
	sort.Strings(names)
	return names, err
}

// exportedIn parses files in dir and returns the exported functions and
// methods they declare, named with the prefix pkg.
func exportedIn(dir, pkg string, files []string) ([]string, error) {
	fset := token.NewFileSet()
	var names []string
	for _, f := range files {
		file, err := parser.ParseFile(fset, filepath.Join(dir, f), nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		for _, decl := range file.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || !fn.Name.IsExported() {
				continue
			}
			names = append(names, pkg+"."+receiver(fn)+fn.Name.Name)
		}
	}
	return names, nil
}

// receiver returns "T." or "(*T)." for a method and "" for a function.
func receiver(fn *ast.FuncDecl) string {
	if fn.Recv == nil || len(fn.Recv.List) == 0 {
		return ""
	}
	typ := fn.Recv.List[0].Type
	star := false
	if s, ok := typ.(*ast.StarExpr); ok {
		star, typ = true, s.X
	}
	switch x := typ.(type) {
	case *ast.IndexExpr:
		typ = x.X
	case *ast.IndexListExpr:
		typ = x.X
	}
	name := typ.(*ast.Ident).Name
	if star {
		return "(*" + name + ")."
	}
	return name + "."
}
