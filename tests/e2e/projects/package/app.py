"""The function of the package test's project."""


def handler(event, context):
    return {"installed": True, "event": event}
