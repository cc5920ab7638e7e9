// Package docs holds the project's documentation as Markdown files
// (ALGORITHMS.md, EXPERIMENTS.md, BASELINES.md, DESIGN.md, STYLE.md) and a
// test that every section citation in the repository, such as
// "ALGORITHMS §7.2", names a section that exists. It has no Go API.
package docs
