"""Proves a backend's database module without a network: the Python side of `probePythonBackend`.

Run by src/python/probe.ts as ``python -B probe.py CONFIG`` with the backend folder as working
directory. CONFIG is a JSON object: backendDir, moduleFile (relative, e.g. src/database.py),
moduleName (src.database), expectedUrl and expectedKey (what the settings should hand the client).
To run it by hand from a backend folder whose settings read SUPABASE_URL and
SUPABASE_SERVICE_ROLE_KEY:

    SUPABASE_URL=http://127.0.0.1:54321 SUPABASE_SERVICE_ROLE_KEY=key python -B probe.py \
      '{"backendDir": ".", "moduleFile": "src/database.py", "moduleName": "src.database",
        "expectedUrl": "http://127.0.0.1:54321", "expectedKey": "key"}'

The answer is printed as one JSON line after RESULT_MARKER, so output the imported module prints
itself cannot be mistaken for it.

Steps: compile the module (no .pyc written); import supabase and httpx (else "no-supabase");
import the module; check its public names; then call every DatabaseService method on a client
whose HTTP transport is an httpx.MockTransport, comparing each PostgREST request (method, path,
query, JSON body, Prefer) with the expected one, the value returned, and, for the async methods,
that the request never blocked the event loop: sent by an async client (handed to DatabaseService
as `async_client` when it takes one), or by the synchronous client off the event loop's thread.
"""

# Whatever the checked module raises is an answer to report, never a crash of the probe.
# ruff: noqa: BLE001

import asyncio
import importlib
import inspect
import json
import os
import sys
import threading
import traceback
from urllib.parse import parse_qsl

# The same marker as RESULT_MARKER in src/python/probe.ts, which looks for it.
RESULT_MARKER = "__CREATE_SAAS_DB_PYTHON_PROBE__"

USER_ID = "11111111-1111-4111-8111-111111111111"
JOB_ID = "22222222-2222-4222-8222-222222222222"
MISSING_ID = "99999999-9999-4999-8999-999999999999"
USER_ROW = {"id": USER_ID, "email": "ada@example.com", "name": "Ada", "subscription_tier": "free"}
JOB_ROW = {
    "id": JOB_ID,
    "user_id": USER_ID,
    "job_type": "render",
    "status": "queued",
    "progress": 0,
    "parameters": {"quality": "high"},
}
NEW_JOB = {
    "user_id": USER_ID,
    "job_type": "render",
    "parameters": {"quality": "high"},
    "status": "queued",
    "progress": 0,
}

CHECKED = [
    "get_supabase_client",
    "get_supabase",
    "get_db",
    "table",
    "get_user",
    "update_user",
    "create_job",
    "get_job",
    "update_job",
]


def main():
    config = json.loads(sys.argv[1])
    path = os.path.join(config["backendDir"], config["moduleFile"])
    try:
        with open(path, "rb") as handle:
            source = handle.read()
    except OSError as error:
        return {"status": "missing-file", "message": str(error)}
    try:
        compile(source, path, "exec", dont_inherit=True)
    except SyntaxError as error:
        return {"status": "compile-error", "line": error.lineno, "column": error.offset, "message": error.msg}
    except ValueError as error:
        return {"status": "compile-error", "line": None, "column": None, "message": str(error)}

    try:
        import httpx  # noqa: F401
        import supabase  # noqa: F401
    except ImportError as error:
        return {"status": "no-supabase", "message": str(error)}

    sys.path.insert(0, config["backendDir"])
    try:
        module = importlib.import_module(config["moduleName"])
    except BaseException as error:  # a failing import may raise anything (SystemExit included)
        return {"status": "import-error", "message": describe(error), "traceback": traceback.format_exc()}

    mismatches = check_names(module, config) + check_service(module)
    if mismatches:
        return {"status": "mismatch", "mismatches": mismatches}
    return {"status": "ok", "checked": CHECKED}


def describe(error):
    return type(error).__name__ + ": " + str(error)


def mismatch(call, problem, expected=None, actual=None):
    return {"call": call, "problem": problem, "expected": expected, "actual": actual}


def check_names(module, config):
    problems = []
    for name in ("get_supabase_client", "get_supabase", "get_db", "DatabaseService"):
        if not hasattr(module, name):
            problems.append(mismatch(name, "not defined by the module"))
    if problems:
        return problems
    from supabase import Client

    try:
        client = module.get_supabase_client()
    except BaseException as error:
        return [mismatch("get_supabase_client", "raised " + describe(error))]
    if not isinstance(client, Client):
        problems.append(
            mismatch("get_supabase_client", "does not return a supabase Client", "Client", type(client).__name__)
        )
    else:
        url = str(client.supabase_url).rstrip("/")
        if url != config["expectedUrl"].rstrip("/"):
            problems.append(
                mismatch("get_supabase_client", "uses another URL than the settings give", config["expectedUrl"], url)
            )
        if client.supabase_key != config["expectedKey"]:
            problems.append(
                mismatch(
                    "get_supabase_client",
                    "uses another key than the settings give",
                    "the service role key setting",
                    "another value",
                )
            )
    if module.get_supabase_client() is not client:
        problems.append(mismatch("get_supabase_client", "creates a new client on every call instead of reusing one"))
    try:
        alias = module.get_supabase()
    except BaseException as error:
        alias = error
    if alias is not client:
        problems.append(mismatch("get_supabase", "does not return the shared client of get_supabase_client"))
    try:
        db = module.get_db()
    except BaseException as error:
        db = error
    if not isinstance(db, module.DatabaseService):
        problems.append(mismatch("get_db", "does not return a DatabaseService", "DatabaseService", type(db).__name__))
    return problems


class Recorder:
    """The mock PostgREST: records each request and answers with the rows queued for it."""

    def __init__(self):
        self.requests = []
        self.rows = []

    def handler(self, request):
        return self._record(request, "sync")

    async def async_handler(self, request):
        return self._record(request, "async")

    def _record(self, request, via):
        import httpx

        body = request.content.decode("utf-8") if request.content else ""
        self.requests.append(
            {
                "method": request.method,
                "path": request.url.path,
                "query": sorted(parse_qsl(request.url.query.decode("ascii"), keep_blank_values=True)),
                "body": json.loads(body) if body else None,
                "prefer": request.headers.get("prefer", ""),
                "thread": threading.get_ident(),
                "via": via,
            }
        )
        return httpx.Response(200, json=self.rows)


def expected_calls():
    """(method name, args, rows answered, expected request, expected outcome)."""
    grace = dict(USER_ROW, name="Grace")
    completed = dict(JOB_ROW, status="completed", progress=100)
    return [
        (
            "get_user",
            (USER_ID,),
            [USER_ROW],
            request("GET", "/rest/v1/users", [("id", "eq." + USER_ID), ("select", "*")]),
            ("returns", USER_ROW),
        ),
        (
            "get_user",
            (MISSING_ID,),
            [],
            request("GET", "/rest/v1/users", [("id", "eq." + MISSING_ID), ("select", "*")]),
            ("returns", None),
        ),
        (
            "update_user",
            (USER_ID, {"name": "Grace"}),
            [grace],
            request("PATCH", "/rest/v1/users", [("id", "eq." + USER_ID)], {"name": "Grace"}),
            ("returns", grace),
        ),
        (
            "update_user",
            (MISSING_ID, {"name": "Grace"}),
            [],
            request("PATCH", "/rest/v1/users", [("id", "eq." + MISSING_ID)], {"name": "Grace"}),
            ("raises", "ValueError"),
        ),
        (
            "create_job",
            (NEW_JOB,),
            [JOB_ROW],
            request("POST", "/rest/v1/jobs", [], NEW_JOB),
            ("returns", JOB_ROW),
        ),
        (
            "get_job",
            (JOB_ID,),
            [JOB_ROW],
            request("GET", "/rest/v1/jobs", [("id", "eq." + JOB_ID), ("select", "*")]),
            ("returns", JOB_ROW),
        ),
        (
            "get_job",
            (MISSING_ID,),
            [],
            request("GET", "/rest/v1/jobs", [("id", "eq." + MISSING_ID), ("select", "*")]),
            ("returns", None),
        ),
        (
            "update_job",
            (JOB_ID, {"status": "completed", "progress": 100}),
            [completed],
            request("PATCH", "/rest/v1/jobs", [("id", "eq." + JOB_ID)], {"status": "completed", "progress": 100}),
            ("returns", completed),
        ),
        (
            "update_job",
            (MISSING_ID, {"status": "failed"}),
            [],
            request("PATCH", "/rest/v1/jobs", [("id", "eq." + MISSING_ID)], {"status": "failed"}),
            ("raises", "ValueError"),
        ),
    ]


def request(method, path, query, body=None):
    return {"method": method, "path": path, "query": sorted(query), "body": body}


def check_service(module):
    import httpx
    from supabase import AsyncClient, AsyncClientOptions, ClientOptions, create_client

    recorder = Recorder()
    client = create_client(
        "http://supabase.probe",
        "probe-service-role-key",
        options=ClientOptions(httpx_client=httpx.Client(transport=httpx.MockTransport(recorder.handler))),
    )
    try:
        if "async_client" in inspect.signature(module.DatabaseService).parameters:
            async_client = AsyncClient(
                "http://supabase.probe",
                "probe-service-role-key",
                options=AsyncClientOptions(
                    httpx_client=httpx.AsyncClient(transport=httpx.MockTransport(recorder.async_handler))
                ),
            )
            db = module.DatabaseService(client, async_client=async_client)
        else:
            db = module.DatabaseService(client)
    except BaseException as error:
        return [mismatch("DatabaseService", "cannot be built on a given client: " + describe(error))]

    problems = check_table(db, recorder)
    loop_thread = threading.get_ident()
    for name, args, rows, expected, outcome in expected_calls():
        call = name + "(" + ", ".join(json.dumps(arg) for arg in args) + ")"
        method = getattr(db, name, None)
        if method is None:
            problems.append(mismatch(call, "DatabaseService has no method " + name))
            continue
        if not inspect.iscoroutinefunction(method):
            problems.append(mismatch(call, name + " is not async (later phases await it)"))
            continue
        recorder.requests = []
        recorder.rows = rows
        try:
            result = ("returns", asyncio.run(method(*args)))
        except Exception as error:
            result = ("raises", type(error).__name__, str(error))
        problems += compare_call(call, recorder.requests, expected, outcome, result, loop_thread)
    return problems


def check_table(db, recorder):
    call = 'table("jobs").select("id, status").eq("user_id", ...).execute()'
    recorder.requests = []
    recorder.rows = [{"id": JOB_ID, "status": "queued"}]
    try:
        response = db.table("jobs").select("id, status").eq("user_id", USER_ID).execute()
    except Exception as error:
        return [mismatch(call, "raised " + describe(error))]
    expected = request("GET", "/rest/v1/jobs", [("select", "id,status"), ("user_id", "eq." + USER_ID)])
    problems = compare_requests(call, recorder.requests, expected)
    if problems:
        return problems
    data = getattr(response, "data", None)
    if data != recorder.rows:
        problems.append(mismatch(call, "returned other rows than PostgREST sent", recorder.rows, data))
    return problems


def compare_call(call, requests, expected, outcome, result, loop_thread):
    problems = compare_requests(call, requests, expected)
    if problems:
        return problems
    if requests[0]["via"] == "sync" and requests[0]["thread"] == loop_thread:
        problems.append(
            mismatch(
                call,
                "sends its request on the event loop's thread: the blocking client stalls every other task;"
                " use the async client (acreate_client)",
            )
        )
    if outcome[0] == "returns" and result != outcome:
        actual = result[1] if result[0] == "returns" else "raised " + result[1] + ": " + result[2]
        problems.append(mismatch(call, "returned something else", outcome[1], actual))
    if outcome[0] == "raises" and result[:2] != outcome:
        if result[0] == "returns":
            actual = "returned " + json.dumps(result[1], default=repr)
        else:
            actual = "raised " + result[1]
        problems.append(mismatch(call, "should raise " + outcome[1] + " when nothing matches", outcome[1], actual))
    return problems


def compare_requests(call, requests, expected):
    if len(requests) != 1:
        sent = "sent " + str(len(requests)) + " requests instead of 1"
        return [mismatch(call, sent, summary(expected), [summary(r) for r in requests])]
    actual = requests[0]
    problems = []
    if summary(actual) != summary(expected):
        problems.append(mismatch(call, "sent another request than expected", summary(expected), summary(actual)))
    elif actual["method"] in ("POST", "PATCH") and "return=representation" not in actual["prefer"]:
        problems.append(
            mismatch(
                call,
                "does not ask for the written rows back (Prefer: return=representation)",
                "return=representation",
                actual["prefer"],
            )
        )
    return problems


def summary(req):
    query = "&".join(key + "=" + value for key, value in req["query"])
    return {"method": req["method"], "path": req["path"] + ("?" + query if query else ""), "body": req["body"]}


def run():
    try:
        outcome = main()
    except BaseException as error:
        outcome = {"status": "probe-failed", "message": describe(error), "traceback": traceback.format_exc()}
    sys.stdout.write("\n" + RESULT_MARKER + json.dumps(outcome, default=repr) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    run()
