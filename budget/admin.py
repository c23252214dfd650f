from django.contrib import admin

from budget.models import BudgetLine
from budget.services import budget_line_set


@admin.register(BudgetLine)
class BudgetLineAdmin(admin.ModelAdmin):
    list_display = ["tool", "year", "category", "amount", "note"]
    list_filter = ["tool", "year", "category"]

    def save_model(self, request, obj, form, change):
        saved = budget_line_set(
            tool=obj.tool, year=obj.year, category=obj.category, amount=obj.amount, note=obj.note, actor=request.user
        )
        obj.pk = saved.pk

    def has_delete_permission(self, request, obj=None):
        return False
