#!/usr/bin/env python3
"""Records the IdP sessions kept as replay fixtures (okta.jsonl, entra.jsonl, authentik.jsonl).

Each session runs against a server in the Standard profile, in an account of its own, the way that IdP talks
(../shared/reference/idps.md); the session is then exported from the provisioning log, exactly as an IdP admin
would export it. Run from the repository root:

    python3 tests/ScimProvisioning.Api.Tests/Recording/Sessions/record_sessions.py
"""
import json, os, subprocess, sys, tempfile, time, urllib.error, urllib.parse, urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), *[".."] * 4))
OUT = os.path.dirname(os.path.abspath(__file__))
PORT = 5077
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


def cli(env, *args):
    run = ["dotnet", "run", "--no-build", "--project", os.path.join(ROOT, "src/ScimProvisioning.Api"), "--", *args]
    return json.loads(subprocess.run(run, env=env, check=True, capture_output=True, text=True).stdout)


class Session:
    def __init__(self, account, token, agent):
        self.base = f"http://127.0.0.1:{PORT}/client/v4/accounts/{account}/scim/v2"
        self.token, self.agent = token, agent

    def send(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Authorization", "Bearer " + self.token)
        request.add_header("User-Agent", self.agent)
        request.add_header("Accept", "application/scim+json")
        if data is not None:
            request.add_header("Content-Type", "application/scim+json")
        try:
            with urllib.request.urlopen(request) as response:
                text = response.read().decode()
        except urllib.error.HTTPError as error:
            text = error.read().decode()
        return json.loads(text) if text else {}


def q(text):
    return urllib.parse.quote(text, safe="")


def okta(s):
    s.send("GET", "/Users?filter=" + q('userName eq "ann.okta@example.com"') + "&startIndex=1&count=100")
    ann = s.send("POST", "/Users", {"schemas": [USER], "userName": "ann.okta@example.com",
                                    "name": {"givenName": "Ann", "familyName": "Okta"},
                                    "emails": [{"primary": True, "value": "ann.okta@example.com", "type": "work"}],
                                    "displayName": "Ann Okta", "locale": "en-US", "externalId": "00u1ann",
                                    "groups": [], "password": "Okta-Pa55word!", "active": True})["id"]
    s.send("GET", f"/Users/{ann}")
    s.send("PUT", f"/Users/{ann}", {"schemas": [USER], "id": ann, "userName": "ann.okta@example.com",
                                     "name": {"givenName": "Annie", "familyName": "Okta"},
                                     "emails": [{"primary": True, "value": "ann.okta@example.com", "type": "work"}],
                                     "displayName": "Annie Okta", "password": "Okta-Pa55word!", "active": True})
    s.send("PATCH", f"/Users/{ann}", {"schemas": [PATCH], "Operations": [{"op": "replace", "value": {"active": False}}]})
    s.send("PATCH", f"/Users/{ann}", {"schemas": [PATCH], "Operations": [{"op": "replace", "value": {"active": True}}]})
    s.send("PATCH", f"/Users/{ann}", {"schemas": [PATCH], "Operations": [{"op": "replace", "path": "password",
                                                                          "value": "Okta-N3w-Pa55word!"}]})
    bob = s.send("POST", "/Users", {"schemas": [USER], "userName": "bob.okta@example.com",
                                    "name": {"givenName": "Bob", "familyName": "Okta"},
                                    "emails": [{"primary": True, "value": "bob.okta@example.com", "type": "work"}],
                                    "password": "Bob-Pa55word!", "active": True})["id"]
    s.send("GET", "/Groups?filter=" + q('displayName eq "Okta Engineers"') + "&startIndex=1&count=100")
    group = s.send("POST", "/Groups", {"schemas": [GROUP], "displayName": "Okta Engineers", "members": []})["id"]
    s.send("PATCH", f"/Groups/{group}", {"schemas": [PATCH], "Operations": [
        {"op": "add", "path": "members", "value": [{"value": ann, "display": "ann.okta@example.com"},
                                                    {"value": bob, "display": "bob.okta@example.com"}]}]})
    s.send("GET", f"/Groups/{group}")
    s.send("PATCH", f"/Groups/{group}", {"schemas": [PATCH], "Operations": [
        {"op": "remove", "path": f'members[value eq "{bob}"]'}]})
    s.send("PATCH", f"/Groups/{group}", {"schemas": [PATCH], "Operations": [
        {"op": "replace", "value": {"id": group, "displayName": "Okta Engineering"}}]})
    s.send("POST", "/Groups", {"schemas": [GROUP], "displayName": "CF Okta Admins", "members": []})
    s.send("DELETE", f"/Groups/{group}")


def entra(s):
    s.send("GET", "/Users?filter=" + q('userName eq "cara@contoso.example"'))
    cara = s.send("POST", "/Users", {"schemas": [USER, ENTERPRISE], "externalId": "cara", "userName": "cara@contoso.example",
                                     "active": True, "displayName": "Cara Entra",
                                     "emails": [{"primary": True, "type": "work", "value": "cara@contoso.example"}],
                                     "name": {"formatted": "Cara Entra", "familyName": "Entra", "givenName": "Cara"},
                                     ENTERPRISE: {"department": "Finance"}})["id"]
    s.send("GET", f"/Users/{cara}")
    s.send("PATCH", f"/Users/{cara}", {"schemas": [PATCH], "Operations": [
        {"op": "Replace", "path": "displayName", "value": "Cara E."},
        {"op": "Add", "path": f"{ENTERPRISE}:department", "value": "Treasury"}]})
    s.send("GET", "/Groups?excludedAttributes=members&filter=" + q('displayName eq "Finance"'))
    group = s.send("POST", "/Groups", {"schemas": [GROUP], "externalId": "fin-1", "displayName": "Finance", "members": []})["id"]
    s.send("PATCH", f"/Groups/{group}", {"schemas": [PATCH], "Operations": [
        {"op": "Add", "path": "members", "value": [{"value": cara}]}]})
    s.send("PATCH", f"/Groups/{group}", {"schemas": [PATCH], "Operations": [
        {"op": "Add", "path": "members", "value": [{"value": "ffffffffffffffffffffffffffffffff"}]}]})
    s.send("PATCH", f"/Users/{cara}", {"schemas": [PATCH], "Operations": [{"op": "Replace", "path": "active", "value": "False"}]})
    s.send("GET", f"/Users/{cara}")
    s.send("PATCH", f"/Groups/{group}", {"schemas": [PATCH], "Operations": [
        {"op": "Remove", "path": "members", "value": [{"value": cara}]}]})
    s.send("DELETE", f"/Users/{cara}")


def authentik(s):
    s.send("GET", "/ServiceProviderConfig")
    dan = s.send("POST", "/Users", {"schemas": [USER], "userName": "dan", "name": {"formatted": "Dan Authentik",
                                    "givenName": "Dan", "familyName": "Authentik"}, "displayName": "Dan Authentik",
                                    "active": True, "emails": [{"value": "dan@example.org", "type": "other", "primary": True}],
                                    "externalId": "a1b2c3"})["id"]
    s.send("POST", "/Users", {"schemas": [USER], "userName": "dan", "active": True, "emails": []})
    s.send("GET", "/Users?filter=" + q('userName eq "dan"'))
    s.send("PUT", f"/Users/{dan}", {"schemas": [USER], "id": dan, "userName": "dan", "name": {"formatted": "Dan A.",
                                    "givenName": "Dan", "familyName": "A."}, "displayName": "Dan A.", "active": False,
                                    "emails": [{"value": "dan@example.org", "type": "other", "primary": True}],
                                    "externalId": "a1b2c3"})
    group = s.send("POST", "/Groups", {"schemas": [GROUP], "displayName": "authentik Admins", "externalId": "9f0e"})["id"]
    s.send("PATCH", f"/Groups/{group}", {"schemas": [PATCH], "Operations": [
        {"op": "add", "path": "members", "value": [{"value": dan}]}]})
    s.send("PATCH", f"/Groups/{group}", {"schemas": [PATCH], "Operations": [
        {"op": "replace", "value": {"schemas": [GROUP], "id": group, "displayName": "authentik Admins", "externalId": "9f0e"}}]})
    s.send("DELETE", f"/Users/{dan}")
    s.send("DELETE", f"/Groups/{group}")


def wait_until_ready():
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/health/ready") as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            pass
        time.sleep(0.2)
    raise SystemExit("the server did not become ready")


def wait_until_written(account):
    """The recorder writes off the request path: wait until its queue is empty."""
    url = f"http://127.0.0.1:{PORT}/client/v4/accounts/{account['accountId']}/provisioning_log/status"
    request = urllib.request.Request(url, headers={"Authorization": "Bearer " + account["adminToken"]})
    for _ in range(300):
        with urllib.request.urlopen(request) as response:
            if json.load(response)["result"]["queue_depth"] == 0:
                time.sleep(1)
                return
        time.sleep(0.2)


def main():
    work = tempfile.mkdtemp(prefix="scim-sessions-")
    env = dict(os.environ, ConnectionStrings__Scim=f"Data Source={work}/scim.db", Scim__Profile="Standard")
    subprocess.run(["dotnet", "build", "-v", "q", os.path.join(ROOT, "src/ScimProvisioning.Api")], check=True, capture_output=True)
    sessions = [("okta", okta, "Okta SCIM Client 1.0.0"), ("entra", entra, ""), ("authentik", authentik, "authentik@2025.10.0")]
    accounts = [cli(env, "accounts", "create", "--name", name) for name, _, _ in sessions]
    run = ["dotnet", "run", "--no-build", "--project", os.path.join(ROOT, "src/ScimProvisioning.Api"),
           "--urls", f"http://127.0.0.1:{PORT}"]
    server = subprocess.Popen(run, env=dict(env, Bootstrap__PrintTokensOnStartup="false"), stdout=subprocess.DEVNULL)
    try:
        wait_until_ready()
        for (name, play, agent), account in zip(sessions, accounts):
            play(Session(account["accountId"], account["scimToken"], agent))
        wait_until_written(accounts[0])
        for (name, _, _), account in zip(sessions, accounts):
            url = f"http://127.0.0.1:{PORT}/client/v4/accounts/{account['accountId']}/provisioning_log/export"
            request = urllib.request.Request(url, headers={"Authorization": "Bearer " + account["adminToken"]})
            with urllib.request.urlopen(request) as response, open(os.path.join(OUT, name + ".jsonl"), "wb") as out:
                out.write(response.read())
            print(f"{name}.jsonl written", file=sys.stderr)
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
