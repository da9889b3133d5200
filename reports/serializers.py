"""The JSON API's objects. Field names are part of the API's contract (``openapi.py``):
add fields, never rename or remove them within ``/api/v1/``."""

from typing import Any

from reports.exports import era_fiscal_year
from reports.models import BasicGoal, Department, Plan, PolicyDirection, Project


def plan_data(plan: Plan) -> dict[str, Any]:
    return {
        "slug": plan.slug,
        "title": plan.title,
        "municipality": plan.municipality,
        "aim": plan.aim,
        "first_fiscal_year": plan.first_fiscal_year,
        "last_fiscal_year": plan.last_fiscal_year,
    }


def goal_data(goal: BasicGoal) -> dict[str, Any]:
    return {"number": goal.number, "title": goal.title}


def direction_data(direction: PolicyDirection) -> dict[str, Any]:
    return {
        "goal_number": direction.goal.number,
        "number": direction.number,
        "title": direction.title,
    }


def project_data(project: Project) -> dict[str, Any]:
    return {
        "number": project.number,
        "name": project.name,
        "content": project.content,
        "goal_number": project.direction.goal.number,
        "direction_number": project.direction.number,
    }


def department_data(department: Department) -> dict[str, Any]:
    return {
        "name": department.name,
        "kind": department.kind,
        "predecessors": [
            {
                "name": link.predecessor.name,
                "effective_fiscal_year": link.effective_fiscal_year,
                "effective_fiscal_year_era": era_fiscal_year(link.effective_fiscal_year),
                "note": link.note,
            }
            for link in department.predecessor_links.all()
        ],
    }
