-- Health of a HuaweiAPIGCertificate (ssl.certsync.io/v1alpha1).
-- The status is in kstatus format: Ready is set from the first reconcile, Reconciling and Stalled
-- are present only while True, and status.observedGeneration advances when a generation reaches
-- an outcome, so a stale observedGeneration means the controller has not finished with the spec.
-- Uses only the base library, so useOpenLibs is not needed.
local function condition(conditions, name)
  if conditions == nil then
    return nil
  end
  for _, c in ipairs(conditions) do
    if c.type == name then
      return c
    end
  end
  return nil
end

local function isTrue(c)
  return c ~= nil and c.status == "True"
end

-- Messages come from Ready, which the controller keeps stable across retries.
local function message(ready, other, fallback)
  if ready ~= nil and ready.message ~= nil and ready.message ~= "" then
    return ready.message
  end
  if other ~= nil and other.message ~= nil and other.message ~= "" then
    return other.message
  end
  return fallback
end

local hs = {}
if obj.status == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the controller to observe the bindings"
  return hs
end

local generation = obj.metadata.generation
local conditions = obj.status.conditions
local ready = condition(conditions, "Ready")

if generation ~= nil and obj.status.observedGeneration ~= nil and obj.status.observedGeneration ~= generation then
  hs.status = "Progressing"
  -- Ready may already describe the new generation's progress; otherwise it is about an old spec.
  if ready ~= nil and ready.observedGeneration == generation then
    hs.message = message(ready, nil, "")
  end
  if hs.message == nil or hs.message == "" then
    hs.message = "Waiting for the controller to observe generation " .. generation
  end
  return hs
end

local reconciling = condition(conditions, "Reconciling")
if isTrue(reconciling) then
  hs.status = "Progressing"
  hs.message = message(ready, reconciling, "Reconciling")
  return hs
end

local stalled = condition(conditions, "Stalled")
if isTrue(stalled) then
  hs.status = "Degraded"
  hs.message = message(ready, stalled, "Stalled")
  return hs
end

if ready == nil or ready.status == "Unknown" then
  hs.status = "Progressing"
  hs.message = message(ready, nil, "Waiting for the certificate to be bound")
  return hs
end

if ready.status == "True" then
  hs.status = "Healthy"
  hs.message = message(ready, nil, "Certificate is bound")
  return hs
end

-- Ready=False without Stalled is a failure the controller still retries (kstatus InProgress);
-- reporting Degraded here would fail syncs on transient APIG errors.
hs.status = "Progressing"
hs.message = message(ready, nil, "Waiting for the certificate to be bound")
return hs
