// Package argocd holds the Argo CD health checks of this operator's kinds, in Argo CD's
// resource_customizations/<group>/<Kind>/health.lua layout, and evaluates them the way Argo CD
// does, so that tests can check the health Argo CD would report for real objects.
package argocd

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"time"

	lua "github.com/yuin/gopher-lua"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

//go:embed resource_customizations/*/*/health.lua
var customizations embed.FS

// Health statuses a check may return; these are Argo CD's health status codes.
const (
	StatusHealthy     = "Healthy"
	StatusProgressing = "Progressing"
	StatusDegraded    = "Degraded"
	StatusSuspended   = "Suspended"
	StatusMissing     = "Missing"
	StatusUnknown     = "Unknown"
)

// Health is what a health check returns.
type Health struct {
	Status  string `json:"status"`
	Message string `json:"message,omitempty"`
}

// Script returns the health check of group and kind, or fs.ErrNotExist when there is none.
func Script(group, kind string) (string, error) {
	data, err := customizations.ReadFile(path.Join("resource_customizations", group, kind, "health.lua"))
	if err != nil {
		return "", err
	}
	return string(data), nil
}

// EvaluateHealth runs the health check of obj's kind on obj, with the libraries Argo CD opens
// for checks configured in argocd-cm without useOpenLibs.
func EvaluateHealth(obj *unstructured.Unstructured) (Health, error) {
	gvk := obj.GroupVersionKind()
	script, err := Script(gvk.Group, gvk.Kind)
	if errors.Is(err, fs.ErrNotExist) {
		return Health{}, fmt.Errorf("no health check for %s/%s", gvk.Group, gvk.Kind)
	}
	if err != nil {
		return Health{}, err
	}
	return Evaluate(script, obj.Object, false)
}

// Evaluate runs a health script with obj as the global "obj", as Argo CD does: with
// openLibs false only the package, base and table libraries are loaded (Argo CD also adds a
// reduced os library, which these checks do not use), and the script must finish within a
// second.
func Evaluate(script string, obj map[string]any, openLibs bool) (Health, error) {
	l := lua.NewState(lua.Options{SkipOpenLibs: !openLibs})
	defer l.Close()
	if !openLibs {
		for _, lib := range []struct {
			name string
			open lua.LGFunction
		}{
			{lua.LoadLibName, lua.OpenPackage},
			{lua.BaseLibName, lua.OpenBase},
			{lua.TabLibName, lua.OpenTable},
		} {
			if err := l.CallByParam(lua.P{Fn: l.NewFunction(lib.open), Protect: true}, lua.LString(lib.name)); err != nil {
				return Health{}, err
			}
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	l.SetContext(ctx)
	l.SetGlobal("obj", toLua(l, obj))
	if err := l.DoString(script); err != nil {
		return Health{}, err
	}
	table, ok := l.Get(-1).(*lua.LTable)
	if !ok {
		return Health{}, fmt.Errorf("health script returned %s, not a table", l.Get(-1).Type())
	}
	h := Health{Status: lua.LVAsString(table.RawGetString("status"))}
	if msg := table.RawGetString("message"); msg != lua.LNil {
		h.Message = lua.LVAsString(msg)
	}
	switch h.Status {
	case StatusHealthy, StatusProgressing, StatusDegraded, StatusSuspended, StatusMissing, StatusUnknown:
		return h, nil
	}
	return Health{}, fmt.Errorf("health script returned the invalid status %q", h.Status)
}

// toLua converts an unstructured value the way Argo CD does, so numbers from the API server
// (int64) and from JSON (float64) both become Lua numbers.
func toLua(l *lua.LState, value any) lua.LValue {
	switch v := value.(type) {
	case bool:
		return lua.LBool(v)
	case string:
		return lua.LString(v)
	case json.Number:
		return lua.LString(v)
	case float64:
		return lua.LNumber(v)
	case int:
		return lua.LNumber(v)
	case int32:
		return lua.LNumber(v)
	case int64:
		return lua.LNumber(v)
	case []any:
		t := l.CreateTable(len(v), 0)
		for _, item := range v {
			t.Append(toLua(l, item))
		}
		return t
	case map[string]any:
		t := l.CreateTable(0, len(v))
		for key, item := range v {
			t.RawSetString(key, toLua(l, item))
		}
		return t
	}
	return lua.LNil
}
