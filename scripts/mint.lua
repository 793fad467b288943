-- wrk: POST /_test/sessions for one test user (scripts/bench.sh, test mode). The key comes
-- from the environment, never from the command line.
wrk.method = "POST"
wrk.body = '{"tenant":"kit","login":"tess@kit.test"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("FRONTDOOR_TEST_KEY")
