"""A Python Lambda handler that greets with a requirement installed from a private wheel."""
import greeting


def handler(event, context):
    if event.get("fail"):
        raise RuntimeError("the event asked to fail")
    return {
        "message": greeting.greet(event.get("name", "world")),
        "request_id": context.aws_request_id,
    }
