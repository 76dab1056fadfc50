// Package schema holds the JSON Schema of secprof's JSON source form, so that
// editors can check a profile as it is typed and tools can validate one
// before handing it to the compiler. It sits beside the pipeline, not in
// it: profiles/json.go is what decides whether a JSON source parses, and the
// tests here keep the schema and that parser in agreement.
package schema

import _ "embed"

// JSON is the schema document, draft 2020-12.
//
//go:embed secprof.schema.json
var JSON []byte
