// Package srcdiff is the logic of `secprof diff A B`: it reads two profile
// sources in any format (DSL, secprof JSON, Docker JSON), resolves each as
// a container in a chosen environment would get it, and lists how they
// decide syscalls differently.
//
//	source ─► profiles.Parse ─┬─ Docker JSON: moby's own decoding ─────────┐
//	                          └─ DSL, JSON: compiler ─► dockerjson.Profile ─┴─► semantic.Resolve ─► semantic.Diff
//
// A Docker-format source is read with moby's types, not through secprof's
// compiler, so that the comparison is with what Docker itself would do.
package srcdiff
