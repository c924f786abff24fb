package dev.parley.cluster.control;

/**
 * The Lua scripts behind the shared limits: each runs atomically in Redis, so nodes checking the
 * same user at once cannot both pass. Node liveness keys ({prefix}:node:{id}, with a TTL) are
 * read by name: this needs one Redis, not a Redis Cluster.
 */
final class LimitScripts {

    /**
     * KEYS[1] hash node -> connections of one user. ARGV: this node, the cap, the liveness key
     * prefix, this node's count if granted, the hash's TTL in ms. Fields of dead nodes are dropped.
     */
    static final String CONNECTIONS = """
            local others = 0
            local all = redis.call('HGETALL', KEYS[1])
            for i = 1, #all, 2 do
              if all[i] ~= ARGV[1] then
                if redis.call('EXISTS', ARGV[3] .. all[i]) == 1 then
                  others = others + tonumber(all[i + 1])
                else
                  redis.call('HDEL', KEYS[1], all[i])
                end
              end
            end
            if others + tonumber(ARGV[4]) > tonumber(ARGV[2]) then
              return 0
            end
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[4])
            redis.call('PEXPIRE', KEYS[1], ARGV[5])
            return 1
            """;

    /** KEYS[1] the same hash. ARGV: this node, its count now, the TTL in ms. */
    static final String REPORT = """
            if tonumber(ARGV[2]) <= 0 then
              redis.call('HDEL', KEYS[1], ARGV[1])
            else
              redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
              redis.call('PEXPIRE', KEYS[1], ARGV[3])
            end
            return 1
            """;

    /**
     * KEYS[1] hash {tokens, at}. ARGV: capacity, refill per second. Redis's own clock, so that
     * nodes' clocks do not matter. Returns 0 when a token was taken, else microseconds to wait.
     */
    static final String TOKEN_BUCKET = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
            local capacity = tonumber(ARGV[1])
            local rate = tonumber(ARGV[2]) / 1000000
            local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
            local tokens = tonumber(b[1]) or capacity
            local at = tonumber(b[2]) or now
            tokens = math.min(capacity, tokens + math.max(0, now - at) * rate)
            local wait = 0
            if ARGV[3] == 'give-back' then
              tokens = math.min(capacity, tokens + 1)
            elseif tokens >= 1 then
              tokens = tokens - 1
            else
              wait = math.ceil((1 - tokens) / rate)
            end
            redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
            redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / rate / 1000) + 1000)
            return wait
            """;

    private LimitScripts() {}
}
