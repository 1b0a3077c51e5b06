use super::*;

fn value(module: &Module, name: &str) -> Result<Value, Reason> {
    match module.lookup(name) {
        Lookup::Bound(b) => b.evaluated.value.clone(),
        other => panic!("{name}: {other:?}"),
    }
}

fn env_of(module: &Module, name: &str) -> Vec<String> {
    match module.lookup(name) {
        Lookup::Bound(b) => b.evaluated.env_defaults.iter().map(|e| e.variable.clone()).collect(),
        other => panic!("{name}: {other:?}"),
    }
}

#[test]
fn literals_arithmetic_and_names() {
    let m = evaluate(
        "import os\nbase = 30\ntimeout = base * 60\nworkers = 2 * 2 + 1\nworkers += 1\nratio = 7 / 2\n\
         neg = -5 // 2\nbind = ['0.0.0.0:80', '[::]:80']\nname: str = 'a' 'b'\nx, y = 1, 'two'\n",
    );
    assert!(m.errors.is_empty());
    assert_eq!(value(&m, "timeout"), Ok(Value::Int(1800)));
    assert_eq!(value(&m, "workers"), Ok(Value::Int(6)));
    assert_eq!(value(&m, "ratio"), Ok(Value::Float(3.5)));
    assert_eq!(value(&m, "neg"), Ok(Value::Int(-3)));
    assert_eq!(value(&m, "name"), Ok(Value::Str("ab".into())));
    assert_eq!(value(&m, "y"), Ok(Value::Str("two".into())));
    assert_eq!(value(&m, "bind"), Ok(Value::List(vec![Value::Str("0.0.0.0:80".into()), Value::Str("[::]:80".into())])));
    assert_eq!(m.lookup("missing"), Lookup::Unbound);
}

#[test]
fn spans_point_at_values() {
    let src = "keepalive = 5\nworkers = 2\nworkers += 3\n";
    let m = evaluate(src);
    let Lookup::Bound(b) = m.lookup("keepalive") else { panic!() };
    assert_eq!(b.value_span.text(src), "5");
    assert_eq!(b.statement.text(src), "keepalive = 5");
    let Lookup::Bound(b) = m.lookup("workers") else { panic!() };
    assert_eq!(b.statement.text(src), "workers += 3");
    assert_eq!(b.value_span.text(src), "3");
}

#[test]
fn environment_defaults() {
    let m = evaluate(
        "import os\nfrom os import getenv as ge\nbind = '0.0.0.0:' + os.environ.get('PORT', '8000')\n\
         workers = int(os.environ.get('WEB_CONCURRENCY', '2')) * 2 + 1\ntimeout = int(os.getenv('TIMEOUT', default='75'))\n\
         keepalive = int(ge('KA', 5))\nsecret = os.environ['SECRET']\nport = os.getenv('PORT')\n",
    );
    assert_eq!(value(&m, "bind"), Ok(Value::Str("0.0.0.0:8000".into())));
    assert_eq!(env_of(&m, "bind"), ["PORT"]);
    assert_eq!(value(&m, "workers"), Ok(Value::Int(5)));
    assert_eq!(value(&m, "timeout"), Ok(Value::Int(75)));
    assert_eq!(value(&m, "keepalive"), Ok(Value::Int(5)));
    assert_eq!(env_of(&m, "keepalive"), ["KA"]);
    assert!(value(&m, "secret").unwrap_err().contains("environment at run time (no default)"));
    assert!(value(&m, "port").unwrap_err().contains("has no default"));
}

#[test]
fn strings_and_formatting() {
    let m = evaluate(
        "host = 'h'\nport = 80\na = f'{host}:{port}'\nb = '%s:%d' % (host, port)\nc = '{host}:{port}'.format(host=host, port=port)\n\
         d = str(port) + 'x'\ne = 'A'.lower() == 'a'\nf = f'{port:>5}'\ng = 'x' if port > 10 else 'y'\n",
    );
    assert_eq!(value(&m, "a"), Ok(Value::Str("h:80".into())));
    assert_eq!(value(&m, "b"), Ok(Value::Str("h:80".into())));
    assert_eq!(value(&m, "c"), Ok(Value::Str("h:80".into())));
    assert_eq!(value(&m, "d"), Ok(Value::Str("80x".into())));
    assert_eq!(value(&m, "e"), Ok(Value::Bool(true)));
    assert!(value(&m, "f").is_err());
    assert_eq!(value(&m, "g"), Ok(Value::Str("x".into())));
}

#[test]
fn run_time_values_are_unknown_with_reasons() {
    let m = evaluate(
        "import multiprocessing\nworkers = multiprocessing.cpu_count() * 2 + 1\nthreads = workers\n\
         def when_ready(server):\n    pass\nhook = when_ready\n",
    );
    let reason = value(&m, "workers").unwrap_err();
    assert!(reason.contains("`multiprocessing.cpu_count()` is only known at run time (line 2)"), "{reason}");
    assert_eq!(value(&m, "threads").unwrap_err(), reason);
    assert!(value(&m, "hook").unwrap_err().contains("is a function defined at line 4"));
}

#[test]
fn conditions_known_from_defaults_are_followed() {
    let m = evaluate(
        "import os\nbind_env = os.getenv('BIND', None)\nif bind_env:\n    use_bind = bind_env\nelse:\n    use_bind = '0.0.0.0:80'\n\
         bind = use_bind\nif os.cpu_count():\n    workers = 4\nelse:\n    workers = 2\n",
    );
    assert_eq!(value(&m, "bind"), Ok(Value::Str("0.0.0.0:80".into())));
    assert_eq!(env_of(&m, "bind"), ["BIND"]);
    let reason = value(&m, "workers").unwrap_err();
    assert!(reason.contains("assigned under `if os.cpu_count()` (line 8)"), "{reason}");
}

#[test]
fn loops_try_and_dynamic_namespaces() {
    let m = evaluate(
        "keepalive = 5\nfor i in range(3):\n    keepalive += 1\ntry:\n    timeout = 10\nexcept Exception:\n    timeout = 20\n",
    );
    assert!(value(&m, "keepalive").unwrap_err().contains("assigned in a loop"));
    assert!(value(&m, "timeout").unwrap_err().contains("inside `try`"));
    let m = evaluate(
        "import os\nkeepalive = 5\nfor k, v in os.environ.items():\n    locals()[k.lower()] = v\ntimeout = 10\n",
    );
    assert!(value(&m, "keepalive").unwrap_err().contains("dynamically by `locals()` (line 4)"));
    assert_eq!(value(&m, "timeout"), Ok(Value::Int(10)));
    assert!(matches!(m.lookup("workers"), Lookup::Dynamic(_)));
}

#[test]
fn a_syntax_error_leaves_every_name_unknown() {
    let src = "keepalive = 5\ntimeout = (30\nworkers = 3\n";
    let m = evaluate(src);
    assert_eq!(m.errors[0].span.text(src), "workers");
    assert!(matches!(m.lookup("keepalive"), Lookup::Dynamic(reason) if reason.contains("syntax error (line 3)")));
}

#[test]
fn hostile_input_does_not_overflow() {
    let deep = format!("x = {}1{}\n", "(".repeat(5000), ")".repeat(5000));
    let _ = evaluate(&deep);
    let long = format!("x = {}1\n", "1 + ".repeat(20_000));
    let m = evaluate(&long);
    assert!(matches!(m.lookup("x"), Lookup::Dynamic(reason) if reason.contains("nested too deeply")));
    let big = evaluate("x = 'a' * 10**12\n");
    assert!(value(&big, "x").is_err());
}
