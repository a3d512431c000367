"""What every client script shares: the environment convention and the PASS/FAIL/SKIP lines.

Environment: MODELPORT_URL (main base URL), MODELPORT_DEPLOYMENTS (JSON: task -> {"id", "port"}),
MODELPORT_API_KEY (optional). A package, not a module beside the scripts, because ClientCompatibilityIT
runs every scripts/clients/*.py as a script.
"""
import json
import os
import traceback

URL = os.environ.get("MODELPORT_URL", "http://127.0.0.1:8000").rstrip("/")
DEPLOYMENTS = json.loads(os.environ.get("MODELPORT_DEPLOYMENTS") or "{}")
API_KEY = os.environ.get("MODELPORT_API_KEY") or None
_failed = False


class Skip(Exception):
    """Raised by a check that cannot run here (its deployment or setting is absent)."""


def report(client, call, error=None):
    global _failed
    if error is None:
        print(f"PASS {client} {call}", flush=True)
    else:
        _failed = True
        print(f"FAIL {client} {call}: {str(error).replace(chr(10), ' ')[:300]}", flush=True)


def run(client, call, check):
    """Runs one call's check: PASS, FAIL on any exception (or a returned error text), SKIP on Skip."""
    try:
        error = check()
    except Skip as e:
        print(f"SKIP {client} {call}: {e}", flush=True)
        return
    except Exception as e:  # noqa: BLE001 - any failure of the client is a FAIL line, none stops the run
        error = f"{type(e).__name__}: {e}"
        if os.environ.get("VERBOSE"):
            traceback.print_exc()
    report(client, call, error if isinstance(error, str) else None)


def expect(condition, what):
    if not condition:
        raise AssertionError(what)


def failed():
    return _failed


def exit_code():
    return 1 if _failed else 0
