#!/usr/bin/env python3
"""Signs one HTTP request with SigV4 using botocore (an independent signer) and writes a wrk Lua
script that replays it. A SigV4 signature stays valid for 15 minutes, which covers a bench run.

usage: sign_request.py METHOD URL BODY SERVICE REGION ACCESS_KEY SECRET OUT.lua
"""
import sys
from urllib.parse import urlsplit

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

method, url, body, service, region, akid, secret, out = sys.argv[1:9]
req = AWSRequest(method=method, url=url, data=body.encode(), headers={"Content-Type": "application/json"})
SigV4Auth(Credentials(akid, secret), service, region).add_auth(req)


def lua(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


with open(out, "w") as f:
    f.write("wrk.method = %s\n" % lua(method))
    parts = urlsplit(url)
    f.write("wrk.path = %s\n" % lua(parts.path + ("?" + parts.query if parts.query else "")))
    f.write("wrk.body = %s\n" % lua(body))
    # botocore signs the host with its port; wrk must send exactly that Host header.
    f.write("wrk.headers[\"Host\"] = %s\n" % lua(urlsplit(url).netloc))
    for k, v in req.headers.items():
        f.write("wrk.headers[%s] = %s\n" % (lua(k), lua(v)))
