-- Argo CD health of an emergent.dev ScalingStudy, from the status the operator writes.
-- Install: argocd-cm, key resource.customizations.health.emergent.dev_ScalingStudy (see README.md).
local hs = {}

local function condition(conditions, type)
  if conditions == nil then
    return nil
  end
  for _, c in ipairs(conditions) do
    if c.type == type and c.status == "True" then
      return c
    end
  end
  return nil
end

local status = obj.status
if status == nil or status.phase == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to plan the study"
  return hs
end

local generation = obj.metadata and obj.metadata.generation
if generation ~= nil and status.observedGeneration ~= nil and status.observedGeneration < generation then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to see generation " .. generation
  return hs
end

local phase = status.phase
local done = (status.done or 0) .. " of " .. (status.runs or 0) .. " runs done"
if phase == "Succeeded" then
  local succeeded = condition(status.conditions, "Succeeded")
  hs.status = "Healthy"
  hs.message = succeeded ~= nil and succeeded.message or done
elseif phase == "Failed" or phase == "Invalid" then
  local failed = condition(status.conditions, "Failed")
  hs.status = "Degraded"
  hs.message = failed ~= nil and failed.message or phase
elseif phase == "Predicting" then
  local fitted = condition(status.conditions, "Fitted")
  hs.status = "Progressing"
  hs.message = "Predicting, " .. done .. (fitted ~= nil and ("; " .. fitted.message) or "")
else
  -- Running, and any phase a newer operator adds: still moving.
  hs.status = "Progressing"
  hs.message = phase .. ", " .. done
end
return hs
