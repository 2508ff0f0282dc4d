from xinyong.core.errors import Forbidden

from .models import Department, User


def department_of(user: User) -> Department:
    """The department a user acts for; department-bound operations refuse users without one."""
    if user.department_id is None:
        raise Forbidden("该账号未归属任何部门，不能执行部门操作", code="no_department")
    return user.department
