// Written by `npm run asl` from statemachines/*-workflow-source.ts: edit the sources, not this file.
// Each machine reduced to what its execution history and its AWS bill depend on (lambdas/core/workflow/execution-limits.ts, lambdas/core/pricing/aws-bill.ts).

export const PRODUCTION_WORKFLOW_SHAPE = {
  "StartAt": "Validate manifest",
  "States": {
    "Validate manifest": {
      "Type": "Task",
      "Resource": "${ValidateManifestFunctionArn}",
      "Retry": [
        {
          "MaxAttempts": 4
        }
      ],
      "Catch": [
        {
          "Next": "Manifest rejected"
        },
        {
          "Next": "Manifest could not be read"
        }
      ],
      "Next": "Develop episodes"
    },
    "Manifest rejected": {
      "Type": "Fail"
    },
    "Manifest could not be read": {
      "Type": "Fail"
    },
    "Develop episodes": {
      "Type": "Map",
      "Catch": [
        {
          "Next": "Record production failure"
        }
      ],
      "Next": "Plan production",
      "ItemsPath": "$.production.episodesToDevelop",
      "ItemProcessor": {
        "StartAt": "Develop episode",
        "States": {
          "Develop episode": {
            "Type": "Task",
            "Resource": "${DevelopEpisodeFunctionArn}",
            "Retry": [
              {
                "MaxAttempts": 6
              },
              {
                "MaxAttempts": 4
              }
            ],
            "Catch": [
              {
                "Next": "Episode could not be developed"
              }
            ]
          },
          "Episode could not be developed": {
            "Type": "Fail"
          }
        }
      }
    },
    "Plan production": {
      "Type": "Task",
      "Resource": "${PlanProductionFunctionArn}",
      "Retry": [
        {
          "MaxAttempts": 4
        }
      ],
      "Catch": [
        {
          "Next": "Record production failure"
        }
      ],
      "Next": "Cast characters"
    },
    "Cast characters": {
      "Type": "Map",
      "Catch": [
        {
          "Next": "Record production failure"
        }
      ],
      "Next": "Produce episodes",
      "ItemsPath": "$.plan.characterIds",
      "ItemProcessor": {
        "StartAt": "Draw reference sheet",
        "States": {
          "Draw reference sheet": {
            "Type": "Task",
            "Resource": "${CastCharacterFunctionArn}",
            "Retry": [
              {
                "MaxAttempts": 6
              },
              {
                "MaxAttempts": 4
              }
            ],
            "Catch": [
              {
                "Next": "Reference sheet failed"
              }
            ]
          },
          "Reference sheet failed": {
            "Type": "Fail"
          }
        }
      }
    },
    "Produce episodes": {
      "Type": "Map",
      "Catch": [
        {
          "Next": "Record production failure"
        }
      ],
      "Next": "Is there a review?",
      "ItemsPath": "$.plan.episodes",
      "ItemProcessor": {
        "StartAt": "Produce episode",
        "States": {
          "Produce episode": {
            "Type": "Task",
            "Resource": "arn:aws:states:::states:startExecution.sync:2",
            "Target": "${EpisodeStateMachineArn}",
            "Retry": [
              {
                "MaxAttempts": 5
              }
            ],
            "Catch": [
              {
                "Next": "Episode failed"
              }
            ]
          },
          "Episode failed": {
            "Type": "Fail"
          }
        }
      }
    },
    "Is there a review?": {
      "Type": "Choice",
      "Choices": [
        {
          "Variable": "$.plan.review",
          "StringEquals": "video",
          "Next": "Deliver the animatic for review"
        },
        {
          "Variable": "$.plan.review",
          "StringEquals": "delivery",
          "Next": "Deliver the cut for review"
        }
      ],
      "Default": "Finalize production"
    },
    "Deliver the animatic for review": {
      "Type": "Task",
      "Resource": "${FinalizeProductionFunctionArn}",
      "Retry": [
        {
          "MaxAttempts": 4
        }
      ],
      "Catch": [
        {
          "Next": "Record production failure"
        }
      ],
      "Next": "Awaiting approval of the animatic"
    },
    "Awaiting approval of the animatic": {
      "Type": "Task",
      "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
      "Target": "${AwaitApprovalFunctionArn}",
      "Retry": [
        {
          "MaxAttempts": 4
        }
      ],
      "Catch": [
        {
          "Next": "Record review timeout"
        },
        {
          "Next": "Record production failure"
        }
      ],
      "Next": "Was the animatic approved?"
    },
    "Was the animatic approved?": {
      "Type": "Choice",
      "Choices": [
        {
          "Variable": "$.review.decision",
          "StringEquals": "APPROVED",
          "Next": "Produce final episodes"
        },
        {
          "Variable": "$.review.decision",
          "StringEquals": "REJECTED",
          "Next": "Record rejection"
        }
      ],
      "Default": "Record review timeout"
    },
    "Produce final episodes": {
      "Type": "Map",
      "Catch": [
        {
          "Next": "Record production failure"
        }
      ],
      "Next": "Finalize production",
      "ItemsPath": "$.plan.episodes",
      "ItemProcessor": {
        "StartAt": "Produce final episode",
        "States": {
          "Produce final episode": {
            "Type": "Task",
            "Resource": "arn:aws:states:::states:startExecution.sync:2",
            "Target": "${EpisodeStateMachineArn}",
            "Retry": [
              {
                "MaxAttempts": 5
              }
            ],
            "Catch": [
              {
                "Next": "Final episode failed"
              }
            ]
          },
          "Final episode failed": {
            "Type": "Fail"
          }
        }
      }
    },
    "Deliver the cut for review": {
      "Type": "Task",
      "Resource": "${FinalizeProductionFunctionArn}",
      "Retry": [
        {
          "MaxAttempts": 4
        }
      ],
      "Catch": [
        {
          "Next": "Record production failure"
        }
      ],
      "Next": "Awaiting approval of the cut"
    },
    "Awaiting approval of the cut": {
      "Type": "Task",
      "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
      "Target": "${AwaitApprovalFunctionArn}",
      "Retry": [
        {
          "MaxAttempts": 4
        }
      ],
      "Catch": [
        {
          "Next": "Record review timeout"
        },
        {
          "Next": "Record production failure"
        }
      ],
      "Next": "Was the cut approved?"
    },
    "Was the cut approved?": {
      "Type": "Choice",
      "Choices": [
        {
          "Variable": "$.review.decision",
          "StringEquals": "APPROVED",
          "Next": "Finalize production"
        },
        {
          "Variable": "$.review.decision",
          "StringEquals": "REJECTED",
          "Next": "Record rejection"
        }
      ],
      "Default": "Record review timeout"
    },
    "Record rejection": {
      "Type": "Task",
      "Resource": "${FinalizeProductionFunctionArn}",
      "Retry": [
        {
          "MaxAttempts": 4
        }
      ],
      "Catch": [
        {
          "Next": "Record production failure"
        }
      ],
      "Next": "Production rejected"
    },
    "Production rejected": {
      "Type": "Succeed"
    },
    "Record review timeout": {
      "Type": "Task",
      "Resource": "${FinalizeProductionFunctionArn}",
      "Retry": [
        {
          "MaxAttempts": 4
        }
      ],
      "Catch": [
        {
          "Next": "Record production failure"
        }
      ],
      "Next": "Review timed out"
    },
    "Review timed out": {
      "Type": "Succeed"
    },
    "Finalize production": {
      "Type": "Task",
      "Resource": "${FinalizeProductionFunctionArn}",
      "Retry": [
        {
          "MaxAttempts": 4
        }
      ],
      "Catch": [
        {
          "Next": "Production failed"
        }
      ],
      "Next": "Was everything delivered?"
    },
    "Was everything delivered?": {
      "Type": "Choice",
      "Choices": [
        {
          "Variable": "$.result.status",
          "StringEquals": "COMPLETE",
          "Next": "Production delivered"
        },
        {
          "Variable": "$.result.status",
          "StringEquals": "BUDGET_EXCEEDED",
          "Next": "Stopped at the budget"
        }
      ],
      "Default": "Some scenes failed"
    },
    "Production delivered": {
      "Type": "Succeed"
    },
    "Stopped at the budget": {
      "Type": "Succeed"
    },
    "Some scenes failed": {
      "Type": "Fail"
    },
    "Record production failure": {
      "Type": "Task",
      "Resource": "${FinalizeProductionFunctionArn}",
      "Retry": [
        {
          "MaxAttempts": 4
        }
      ],
      "Catch": [
        {
          "Next": "Production failed"
        }
      ],
      "Next": "Production failed"
    },
    "Production failed": {
      "Type": "Fail"
    }
  }
};

export const EPISODE_WORKFLOW_SHAPE = {
  "StartAt": "Plan episode",
  "States": {
    "Plan episode": {
      "Type": "Task",
      "Resource": "${PlanEpisodeFunctionArn}",
      "Retry": [
        {
          "MaxAttempts": 4
        }
      ],
      "Catch": [
        {
          "Next": "Episode could not be planned"
        }
      ],
      "Next": "Write dialogue"
    },
    "Episode could not be planned": {
      "Type": "Fail"
    },
    "Write dialogue": {
      "Type": "Map",
      "Catch": [
        {
          "Next": "Episode dialogue failed"
        }
      ],
      "Next": "Plan scenes",
      "ItemsPath": "$.plan.dialogueParts",
      "ItemProcessor": {
        "StartAt": "Write script",
        "States": {
          "Write script": {
            "Type": "Task",
            "Resource": "${WriteScriptFunctionArn}",
            "Retry": [
              {
                "MaxAttempts": 6
              },
              {
                "MaxAttempts": 4
              }
            ],
            "Catch": [
              {
                "Next": "Dialogue could not be written"
              }
            ]
          },
          "Dialogue could not be written": {
            "Type": "Fail"
          }
        }
      }
    },
    "Episode dialogue failed": {
      "Type": "Fail"
    },
    "Plan scenes": {
      "Type": "Task",
      "Resource": "${PlanEpisodeFunctionArn}",
      "Retry": [
        {
          "MaxAttempts": 4
        }
      ],
      "Catch": [
        {
          "Next": "Episode could not be planned"
        }
      ],
      "Next": "Produce scenes"
    },
    "Produce scenes": {
      "Type": "Map",
      "Next": "Assemble episode",
      "ItemsPath": "$.plan.sceneIds",
      "ItemProcessor": {
        "StartAt": "Render keyframes",
        "States": {
          "Render keyframes": {
            "Type": "Task",
            "Resource": "${RenderKeyframesFunctionArn}",
            "Retry": [
              {
                "MaxAttempts": 6
              },
              {
                "MaxAttempts": 4
              }
            ],
            "Catch": [
              {
                "Next": "Record budget stop"
              },
              {
                "Next": "Record scene failure"
              }
            ],
            "Next": "Synthesize voice"
          },
          "Synthesize voice": {
            "Type": "Task",
            "Resource": "${SynthesizeVoiceFunctionArn}",
            "Retry": [
              {
                "MaxAttempts": 6
              },
              {
                "MaxAttempts": 4
              }
            ],
            "Catch": [
              {
                "Next": "Record budget stop"
              },
              {
                "Next": "Record scene failure"
              }
            ],
            "Next": "Generate video"
          },
          "Generate video": {
            "Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Target": "${VideoQueueUrl}",
            "Retry": [
              {
                "MaxAttempts": 6
              },
              {
                "MaxAttempts": 4
              }
            ],
            "Catch": [
              {
                "Next": "Record budget stop"
              },
              {
                "Next": "Record scene failure"
              }
            ],
            "Next": "Does the scene sync lips?"
          },
          "Does the scene sync lips?": {
            "Type": "Choice",
            "Choices": [
              {
                "Variable": "$.lipSync",
                "BooleanEquals": true,
                "Next": "Sync lips"
              }
            ],
            "Default": "Encode scene"
          },
          "Sync lips": {
            "Type": "Task",
            "Resource": "${SyncLipsFunctionArn}",
            "Retry": [
              {
                "MaxAttempts": 6
              },
              {
                "MaxAttempts": 4
              }
            ],
            "Catch": [
              {
                "Next": "Record budget stop"
              },
              {
                "Next": "Record scene failure"
              }
            ],
            "Next": "Encode scene"
          },
          "Encode scene": {
            "Type": "Task",
            "Resource": "${EncodeSceneFunctionArn}",
            "Retry": [
              {
                "MaxAttempts": 4
              }
            ],
            "Catch": [
              {
                "Next": "Record budget stop"
              },
              {
                "Next": "Record scene failure"
              }
            ],
            "Next": "Mark scene complete"
          },
          "Mark scene complete": {
            "Type": "Task",
            "Resource": "${RecordSceneOutcomeFunctionArn}",
            "Retry": [
              {
                "MaxAttempts": 4
              }
            ],
            "Catch": [
              {
                "Next": "Scene outcome not recorded"
              }
            ]
          },
          "Record budget stop": {
            "Type": "Task",
            "Resource": "${RecordSceneOutcomeFunctionArn}",
            "Retry": [
              {
                "MaxAttempts": 4
              }
            ],
            "Catch": [
              {
                "Next": "Scene outcome not recorded"
              }
            ]
          },
          "Record scene failure": {
            "Type": "Task",
            "Resource": "${RecordSceneOutcomeFunctionArn}",
            "Retry": [
              {
                "MaxAttempts": 4
              }
            ],
            "Catch": [
              {
                "Next": "Scene outcome not recorded"
              }
            ]
          },
          "Scene outcome not recorded": {
            "Type": "Fail"
          }
        }
      }
    },
    "Assemble episode": {
      "Type": "Task",
      "Resource": "${AssembleEpisodeFunctionArn}",
      "Retry": [
        {
          "MaxAttempts": 6
        },
        {
          "MaxAttempts": 4
        }
      ],
      "Catch": [
        {
          "Next": "Episode failed QA"
        },
        {
          "Next": "Episode assembly failed"
        }
      ],
      "Next": "Dub episode"
    },
    "Dub episode": {
      "Type": "Map",
      "Catch": [
        {
          "Next": "Episode dub failed"
        }
      ],
      "ItemsPath": "$.plan.dubs",
      "ItemProcessor": {
        "StartAt": "Voice the dub",
        "States": {
          "Voice the dub": {
            "Type": "Task",
            "Resource": "${VoiceDubFunctionArn}",
            "Retry": [
              {
                "MaxAttempts": 6
              },
              {
                "MaxAttempts": 4
              }
            ],
            "Catch": [
              {
                "Next": "Dub could not be made"
              }
            ],
            "Next": "Cut the dub"
          },
          "Cut the dub": {
            "Type": "Task",
            "Resource": "${DubEpisodeFunctionArn}",
            "Retry": [
              {
                "MaxAttempts": 4
              }
            ],
            "Catch": [
              {
                "Next": "Dub failed QA"
              },
              {
                "Next": "Dub could not be made"
              }
            ]
          },
          "Dub failed QA": {
            "Type": "Fail"
          },
          "Dub could not be made": {
            "Type": "Fail"
          }
        }
      }
    },
    "Episode dub failed": {
      "Type": "Fail"
    },
    "Episode failed QA": {
      "Type": "Fail"
    },
    "Episode assembly failed": {
      "Type": "Fail"
    }
  }
};
