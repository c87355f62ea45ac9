package policygen

import (
	"go/ast"
	"go/token"
	"go/types"
	"sort"

	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/go/types/typeutil"
)

// analyzer collects, over all the app's packages:
//
//   - direct: actions of SDK operations (and high-level helpers) that the
//     app's code refers to: calls, method values, method expressions,
//     promoted methods of embedded clients;
//   - seams: interface methods that an SDK client (or a type embedding one)
//     was converted to, with the actions its implementation implies;
//   - ifaceUses: interface methods the app's code refers to.
//
// An interface use whose name and signature match a seam counts as a call
// of the operation behind the seam.
type analyzer struct {
	appPkgs   map[string]bool
	direct    map[string]bool
	seams     []seam
	ifaceUses []ifaceUse
	msets     typeutil.MethodSetCache
}

type seam struct {
	name    string
	sig     *types.Signature
	actions []string
}

type ifaceUse struct {
	name string
	sig  *types.Signature
}

func newAnalyzer(pkgs []*packages.Package) *analyzer {
	a := &analyzer{appPkgs: map[string]bool{}, direct: map[string]bool{}}
	for _, p := range pkgs {
		a.appPkgs[p.PkgPath] = true
	}
	return a
}

func (a *analyzer) add(actions []string) {
	for _, s := range actions {
		a.direct[s] = true
	}
}

// result resolves interface uses against seams and returns the sorted
// action list.
func (a *analyzer) result() []string {
	for _, u := range a.ifaceUses {
		for _, s := range a.seams {
			if s.name == u.name && types.Identical(s.sig, u.sig) {
				a.add(s.actions)
			}
		}
	}
	out := make([]string, 0, len(a.direct))
	for s := range a.direct {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

func (a *analyzer) analyzePackage(p *packages.Package) {
	info := p.TypesInfo

	// Every reference to a function or method: calls, method values,
	// method expressions, functions passed as values.
	for _, obj := range info.Uses {
		fn, ok := obj.(*types.Func)
		if !ok {
			continue
		}
		if acts := funcActions(fn); acts != nil {
			a.add(acts)
			continue
		}
		sig, _ := fn.Type().(*types.Signature)
		if sig != nil && sig.Recv() != nil && types.IsInterface(sig.Recv().Type()) {
			a.ifaceUses = append(a.ifaceUses, ifaceUse{fn.Name(), sig})
		}
	}

	// Instantiating a generic function or type with a client type argument
	// converts the client to the type parameter's constraint.
	for id, inst := range info.Instances {
		var tparams *types.TypeParamList
		switch obj := info.Uses[id].(type) {
		case *types.Func:
			if sig, ok := obj.Type().(*types.Signature); ok {
				tparams = sig.TypeParams()
			}
		case *types.TypeName:
			if n, ok := types.Unalias(obj.Type()).(*types.Named); ok {
				tparams = n.TypeParams()
			}
		}
		if tparams == nil || inst.TypeArgs == nil {
			continue
		}
		for i := 0; i < tparams.Len() && i < inst.TypeArgs.Len(); i++ {
			a.convert(inst.TypeArgs.At(i), tparams.At(i).Constraint(), a.declaredOutside(info.Uses[id]))
		}
	}

	for _, f := range p.Syntax {
		a.walkFile(info, f)
	}
}

// walkFile finds the places where a value is implicitly or explicitly
// converted to another type (assignments, declarations, call arguments,
// returns, composite literal elements, channel sends, conversions) and
// hands each (value type, target type) pair to convert.
func (a *analyzer) walkFile(info *types.Info, f *ast.File) {
	var stack []ast.Node
	ast.Inspect(f, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		stack = append(stack, n)
		switch n := n.(type) {
		case *ast.AssignStmt:
			if n.Tok != token.ASSIGN && n.Tok != token.DEFINE {
				break
			}
			targets := make([]types.Type, len(n.Lhs))
			for i, l := range n.Lhs {
				if id, ok := l.(*ast.Ident); ok && (id.Name == "_" || info.Defs[id] != nil) {
					continue // blank, or a new variable taking the value's type
				}
				targets[i] = info.TypeOf(l)
			}
			a.convertAll(info, n.Rhs, targets, false)
		case *ast.ValueSpec:
			if n.Type == nil {
				break
			}
			t := info.TypeOf(n.Type)
			targets := make([]types.Type, len(n.Names))
			for i := range targets {
				targets[i] = t
			}
			a.convertAll(info, n.Values, targets, false)
		case *ast.ReturnStmt:
			sig := enclosingSig(info, stack)
			if sig == nil {
				break
			}
			targets := make([]types.Type, sig.Results().Len())
			for i := range targets {
				targets[i] = sig.Results().At(i).Type()
			}
			a.convertAll(info, n.Results, targets, false)
		case *ast.SendStmt:
			if ch, ok := underlying(info.TypeOf(n.Chan)).(*types.Chan); ok {
				a.convert(info.TypeOf(n.Value), ch.Elem(), false)
			}
		case *ast.CompositeLit:
			a.compositeLit(info, n)
		case *ast.CallExpr:
			a.call(info, n)
		}
		return true
	})
}

// convertAll handles n values assigned to n targets, or one
// multi-valued expression assigned to several targets. A nil target is
// skipped.
func (a *analyzer) convertAll(info *types.Info, values []ast.Expr, targets []types.Type, external bool) {
	if len(values) == 1 && len(targets) > 1 {
		if tup, ok := info.TypeOf(values[0]).(*types.Tuple); ok {
			for i := 0; i < tup.Len() && i < len(targets); i++ {
				a.convert(tup.At(i).Type(), targets[i], external)
			}
		}
		return
	}
	for i, v := range values {
		if i < len(targets) {
			a.convert(info.TypeOf(v), targets[i], external)
		}
	}
}

func (a *analyzer) call(info *types.Info, call *ast.CallExpr) {
	tv, ok := info.Types[call.Fun]
	if !ok {
		return
	}
	switch {
	case tv.IsType(): // explicit conversion T(x)
		if len(call.Args) == 1 {
			a.convert(info.TypeOf(call.Args[0]), tv.Type, false)
		}
	case tv.IsBuiltin():
		id, _ := ast.Unparen(call.Fun).(*ast.Ident)
		if id == nil || id.Name != "append" || call.Ellipsis.IsValid() || len(call.Args) < 2 {
			return
		}
		if s, ok := underlying(info.TypeOf(call)).(*types.Slice); ok {
			for _, arg := range call.Args[1:] {
				a.convert(info.TypeOf(arg), s.Elem(), false)
			}
		}
	default:
		sig, ok := underlying(tv.Type).(*types.Signature)
		if !ok {
			return
		}
		// Arguments of a function or method declared outside the app go to
		// code the analysis does not see.
		external := a.declaredOutside(typeutil.Callee(info, call))
		if len(call.Args) == 1 {
			if tup, ok := info.TypeOf(call.Args[0]).(*types.Tuple); ok {
				// f(g()) with a multi-valued g.
				for i := 0; i < tup.Len(); i++ {
					a.convert(tup.At(i).Type(), paramType(sig, i, false), external)
				}
				return
			}
		}
		for i, arg := range call.Args {
			a.convert(info.TypeOf(arg), paramType(sig, i, call.Ellipsis.IsValid()), external)
		}
	}
}

// paramType is the type the i'th argument of a call of sig is converted to.
func paramType(sig *types.Signature, i int, ellipsis bool) types.Type {
	params := sig.Params()
	n := params.Len()
	if n == 0 {
		return nil
	}
	if sig.Variadic() && i >= n-1 {
		last := params.At(n - 1).Type()
		if ellipsis {
			return last
		}
		if s, ok := underlying(last).(*types.Slice); ok {
			return s.Elem()
		}
		return nil
	}
	if i >= n {
		return nil
	}
	return params.At(i).Type()
}

func (a *analyzer) compositeLit(info *types.Info, lit *ast.CompositeLit) {
	t := underlying(info.TypeOf(lit))
	if p, ok := t.(*types.Pointer); ok {
		t = underlying(p.Elem())
	}
	switch t := t.(type) {
	case *types.Struct:
		for i, elt := range lit.Elts {
			if kv, ok := elt.(*ast.KeyValueExpr); ok {
				key, _ := kv.Key.(*ast.Ident)
				if key == nil {
					continue
				}
				for j := 0; j < t.NumFields(); j++ {
					if t.Field(j).Name() == key.Name {
						a.convert(info.TypeOf(kv.Value), t.Field(j).Type(), false)
					}
				}
			} else if i < t.NumFields() {
				a.convert(info.TypeOf(elt), t.Field(i).Type(), false)
			}
		}
	case *types.Slice:
		a.elements(info, lit, nil, t.Elem())
	case *types.Array:
		a.elements(info, lit, nil, t.Elem())
	case *types.Map:
		a.elements(info, lit, t.Key(), t.Elem())
	}
}

func (a *analyzer) elements(info *types.Info, lit *ast.CompositeLit, key, elem types.Type) {
	for _, elt := range lit.Elts {
		if kv, ok := elt.(*ast.KeyValueExpr); ok {
			if key != nil {
				a.convert(info.TypeOf(kv.Key), key, false)
			}
			elt = kv.Value
		}
		a.convert(info.TypeOf(elt), elem, false)
	}
}

// convert records what converting a value of type src to type dst means
// for the policy. Only conversions to interface types matter:
//
//   - a concrete src whose method set provides dst's methods through SDK
//     operations (a *svc.Client, or a struct embedding one) becomes a seam:
//     calls through interfaces with those methods count as calls of the
//     operations;
//   - if dst is a named interface declared outside the app, or the value
//     is passed to a function declared outside the app (an SDK
//     paginator's ScanAPIClient, a waiter's HeadObjectAPIClient, the s3
//     transfer manager's UploadAPIClient, any third-party library's
//     interface), code the analysis does not see will call it, so every
//     such method counts as called. When src is itself an interface, its
//     methods of those names count as used.
func (a *analyzer) convert(src, dst types.Type, toExternal bool) {
	if src == nil || dst == nil {
		return
	}
	iface, ok := underlying(dst).(*types.Interface)
	if !ok || iface.NumMethods() == 0 {
		return
	}
	if _, ok := src.(*types.Tuple); ok {
		return
	}
	external := toExternal || a.isExternal(dst)
	if types.IsInterface(src) {
		if external {
			for i := 0; i < iface.NumMethods(); i++ {
				m := iface.Method(i)
				if sig, ok := m.Type().(*types.Signature); ok {
					a.ifaceUses = append(a.ifaceUses, ifaceUse{m.Name(), sig})
				}
			}
		}
		return
	}
	mset := a.msets.MethodSet(src)
	for i := 0; i < iface.NumMethods(); i++ {
		m := iface.Method(i)
		sel := mset.Lookup(m.Pkg(), m.Name())
		if sel == nil {
			continue
		}
		fn, ok := sel.Obj().(*types.Func)
		if !ok {
			continue
		}
		acts := funcActions(fn)
		if acts == nil {
			continue
		}
		if external {
			a.add(acts)
			continue
		}
		if sig, ok := m.Type().(*types.Signature); ok {
			a.seams = append(a.seams, seam{m.Name(), sig, acts})
		}
	}
}

// isExternal reports whether t is a named type declared outside the app's
// packages.
func (a *analyzer) isExternal(t types.Type) bool {
	var obj *types.TypeName
	switch t := types.Unalias(t).(type) {
	case *types.Named:
		obj = t.Obj()
	case *types.TypeParam:
		obj = t.Obj()
	}
	if obj == nil || obj.Pkg() == nil {
		return false
	}
	return !a.appPkgs[obj.Pkg().Path()]
}

// declaredOutside reports whether obj is a function, method or type
// declared outside the app's packages.
func (a *analyzer) declaredOutside(obj types.Object) bool {
	if obj == nil || obj.Pkg() == nil {
		return false
	}
	return !a.appPkgs[obj.Pkg().Path()]
}

// enclosingSig returns the signature of the innermost function on stack.
func enclosingSig(info *types.Info, stack []ast.Node) *types.Signature {
	for i := len(stack) - 1; i >= 0; i-- {
		switch fn := stack[i].(type) {
		case *ast.FuncLit:
			sig, _ := info.TypeOf(fn).(*types.Signature)
			return sig
		case *ast.FuncDecl:
			if obj, ok := info.Defs[fn.Name].(*types.Func); ok {
				sig, _ := obj.Type().(*types.Signature)
				return sig
			}
			return nil
		}
	}
	return nil
}

func underlying(t types.Type) types.Type {
	if t == nil {
		return nil
	}
	return t.Underlying()
}
