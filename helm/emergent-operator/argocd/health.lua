-- Argo CD health of an emergent.dev TrainingRun, from the status the operator writes.
-- Install: argocd-cm, key resource.customizations.health.emergent.dev_TrainingRun (see README.md).
local hs = {}

local function condition(conditions, type)
  if conditions == nil then
    return nil
  end
  for _, c in ipairs(conditions) do
    if c.type == type then
      return c
    end
  end
  return nil
end

local status = obj.status
if status == nil or status.phase == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to plan the run"
  return hs
end

-- A spec the operator has not reconciled yet says nothing about the new generation.
local generation = obj.metadata and obj.metadata.generation
if generation ~= nil and status.observedGeneration ~= nil and status.observedGeneration < generation then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to see generation " .. generation
  return hs
end

local phase = status.phase
local failed = condition(status.conditions, "Failed")
local ready = condition(status.conditions, "Ready")
local explained = (failed ~= nil and failed.message) or (ready ~= nil and ready.message) or ""

if phase == "Succeeded" then
  hs.status = "Healthy"
  hs.message = "All stages succeeded"
  if status.stages ~= nil and #status.stages > 0 and status.stages[#status.stages].checkpoint ~= nil then
    hs.message = hs.message .. "; final checkpoint " .. status.stages[#status.stages].checkpoint
  end
elseif phase == "Failed" then
  hs.status = "Degraded"
  hs.message = explained
elseif phase == "Suspended" then
  hs.status = "Suspended"
  hs.message = "spec.suspend is true"
else
  -- Pending, Queued, Running, and any phase a newer operator adds: still moving.
  hs.status = "Progressing"
  local where = status.currentStage and ("stage " .. status.currentStage .. ": ") or ""
  hs.message = phase .. (explained ~= "" and (": " .. explained) or (where ~= "" and (" " .. where) or ""))
end
return hs
