"""Answers an HTTP front's event in the shape that front takes back: status 201, the request's
X-Echo header under the name the event gave it, the request's cookies, two cookies of its own,
and the request's body, decoded and sent back Base64-encoded."""
import base64


def shape(event):
    """'2.0' (function URL, HTTP API), 'alb' or '1.0' (REST API), as the event tells it."""
    if event.get("version") == "2.0":
        return "2.0"
    if "elb" in (event.get("requestContext") or {}):
        return "alb"
    return "1.0"


def handler(event, context):
    kind = shape(event)
    headers = event.get("headers") or {}
    # Payload 2.0 and the ALB lower-case header names; payload 1.0 keeps them as sent.
    echo = next((name for name in headers if name.lower() == "x-echo"), "")
    if kind == "2.0":
        request_cookies = "; ".join(event.get("cookies") or [])
    else:
        request_cookies = next((v for n, v in headers.items() if n.lower() == "cookie"), "")
    body = event.get("body") or ""
    data = base64.b64decode(body) if event.get("isBase64Encoded") else body.encode("utf-8")
    response = {
        "statusCode": 201,
        "headers": {
            "Content-Type": "application/octet-stream",
            "X-Shape": kind,
            "X-Echo-Name": echo,
            "X-Echo": headers.get(echo, ""),
            "X-Request-Cookies": request_cookies,
            "X-Body-Base64": "true" if event.get("isBase64Encoded") else "false",
        },
        "body": base64.b64encode(data).decode("ascii"),
        "isBase64Encoded": True,
    }
    cookies = ["session=s3cr3t; Path=/; HttpOnly", "theme=dark; Max-Age=60"]
    if kind == "2.0":
        response["cookies"] = cookies
    else:
        response["multiValueHeaders"] = {"Set-Cookie": cookies}
    return response
