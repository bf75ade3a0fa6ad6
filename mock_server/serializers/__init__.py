"""The JSON of every API resource, one module per resource.

The API's routes, the control plane and the console all render a resource with the function
here, so what a person sees in the console is exactly what the API returns. A serializer reads
domain records and returns plain JSON-ready dicts; it knows nothing of requests.
"""
