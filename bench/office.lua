-- wrk script: GET as a signed-in operator (COOKIE in the environment: name=value).
wrk.headers["Cookie"] = os.getenv("COOKIE")
